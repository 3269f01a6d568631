import * as fs from "fs";
import * as path from "path";
import { buildPlugin, type PluginRelease } from "./build";
import { buildWheel } from "./python-wheel";

// What `npm run release` builds, from the repository at `root`, into build/: the plugin's tarball for every platform
// and their SHA256SUMS (build/plugin/, build.ts), and the Python SDK's wheel (build/python/, python-wheel.ts). The Go
// SDK is the module in sdk/go, released by its tag.

export function releaseDirs(root: string): { plugin: string; python: string } {
    return { plugin: path.join(root, "build", "plugin"), python: path.join(root, "build", "python") };
}

/** The release's version: package.json's. */
export function releaseVersion(root: string): string {
    return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
}

export async function buildRelease(root: string): Promise<{ plugin: PluginRelease; wheel: string }> {
    const version = releaseVersion(root);
    const plugin = await buildPlugin(root, releaseDirs(root).plugin, version);
    return { plugin, wheel: buildWheel(path.join(root, "sdk", "python"), releaseDirs(root).python, version) };
}
