import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundlePlugin, substitutions } from "./bundle";
import { signAdHoc } from "./macos-signature";
import { sha256Of } from "./node-binaries";
import { executableName, PLATFORMS, platformName, tarballName, type Platform } from "./platforms";
import { injectBlob, makeBlob } from "./sea";
import { writeTarball } from "./tarball";

// `npm run release`: the `timbal` plugin for every platform (platforms.ts), each a tarball holding one executable,
// the platform's pinned Node.js with the plugin's bundle injected (sea.ts), the macOS ones signed ad hoc
// (macos-signature.ts); and SHA256SUMS beside them, as the release page serves them. The same inputs give the same
// bytes, whichever Node runs this script: the bundle and the blob come from pinned tools, the tarballs are
// normalised (tarball.ts).

export interface PluginRelease {
    version: string;
    /** The tarball of each platform built, by `<os>-<arch>`. */
    tarballs: Map<string, string>;
    /** The path of SHA256SUMS: a `<sha256>  <tarball name>` line per tarball, as `sha256sum` writes them. */
    sums: string;
}

export async function buildPlugin(root: string, outDir: string, version: string, platforms: ReadonlyArray<Platform> = PLATFORMS): Promise<PluginRelease> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-plugin-release-"));
    try {
        const script = path.join(work, "plugin.js");
        const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
        await bundlePlugin(root, "provider/plugin/bin.ts", script, substitutions(version, sdkDir));
        const blob = path.join(work, "plugin.blob");
        makeBlob(script, blob, work);

        fs.mkdirSync(outDir, { recursive: true });
        const tarballs = new Map<string, string>();
        for (const platform of platforms) {
            const stage = path.join(work, platformName(platform));
            fs.mkdirSync(stage);
            const executable = path.join(stage, executableName(platform));
            injectBlob(platform, blob, executable, root);
            if (platform.os === "darwin") signAdHoc(executable, executableName(platform));
            const tarball = path.join(outDir, tarballName(version, platform));
            writeTarball(tarball, stage, executableName(platform));
            tarballs.set(platformName(platform), tarball);
        }
        const sums = [...tarballs.values()].map((tarball) => `${sha256Of(tarball)}  ${path.basename(tarball)}\n`).join("");
        fs.writeFileSync(path.join(outDir, "SHA256SUMS.partial"), sums);
        fs.renameSync(path.join(outDir, "SHA256SUMS.partial"), path.join(outDir, "SHA256SUMS"));
        return { version, tarballs, sums: path.join(outDir, "SHA256SUMS") };
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
