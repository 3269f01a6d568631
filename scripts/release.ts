import { pluginTarball, pythonWheel } from "../harness/release-artifacts";
import { REPO_ROOT } from "../harness/repo-root";
import { buildRelease } from "../release/release";

// npm run release: what a release publishes, built anew into build/ (release/release.ts).
// --if-stale (npm test): this machine's plugin and the wheel, if missing or older than their sources (the suite that
// runs every platform's plugin builds the others when it needs them).
async function main(): Promise<string[]> {
    if (process.argv.includes("--if-stale")) return [await pluginTarball(), pythonWheel()];
    const { plugin, wheel } = await buildRelease(REPO_ROOT);
    return [...plugin.tarballs.values(), plugin.sums, wheel];
}

main().then(
    (files) => console.log(files.join("\n")),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
