import { pluginTarball, pythonWheel, recordBuiltWith } from "../harness/release-artifacts";
import { REPO_ROOT } from "../harness/repo-root";
import { PLATFORMS, platformNamed } from "../release/platforms";
import { buildRelease } from "../release/release";

// npm run release: what a release publishes, built anew into build/ (release/release.ts).
//   --platforms <os>-<arch>[,...]  the plugin of those platforms only (the rehearsal's later version: this machine's).
//   --if-stale (npm test)          this machine's plugin and the wheel, if missing or older than their sources (the
//                                  suites that need the rest build it when they run).
async function main(): Promise<string[]> {
    if (process.argv.includes("--if-stale")) return [await pluginTarball(), pythonWheel()];
    const at = process.argv.indexOf("--platforms");
    const named = at < 0 ? undefined : process.argv[at + 1];
    if (at >= 0 && !named) throw new Error("--platforms takes a list, such as linux-amd64,darwin-arm64");
    const platforms = named === undefined ? PLATFORMS : named.split(",").map(platformNamed);
    const release = await buildRelease(REPO_ROOT, platforms);
    recordBuiltWith(platforms);
    return [...release.plugin.tarballs.values(), release.plugin.sums, ...release.python, ...release.npm];
}

main().then(
    (files) => console.log(files.join("\n")),
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
