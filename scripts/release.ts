import { pluginTarballs, pythonWheel } from "../harness/release-artifacts";
import { REPO_ROOT } from "../harness/repo-root";
import { buildRelease } from "../release/release";

// npm run release: what a release publishes, built anew into build/ (release/release.ts).
// --if-stale (npm test): only what is missing or older than its sources; the same inputs give the same bytes, so a
// second CI corner reuses the first one's build.
async function main(): Promise<string[]> {
    if (process.argv.includes("--if-stale")) return [...(await pluginTarballs()).values(), pythonWheel()];
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
