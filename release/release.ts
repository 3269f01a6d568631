import * as fs from "fs";
import * as path from "path";
import { buildPlugin, type PluginRelease } from "./build";
import { packNpmPackages } from "./npm-tarballs";
import { PLATFORMS, type Platform } from "./platforms";
import { buildSdist } from "./python-sdist";
import { buildWheel } from "./python-wheel";

// What `npm run release` builds, from the repository at `root` (compiled: npm run build), into build/, and what one
// tag publishes (.github/workflows/release.yml) and the rehearsal publishes into local registries:
//   build/plugin/  the plugin's tarball for every platform, and their SHA256SUMS (build.ts): the release page;
//   build/python/  the Python SDK's wheel (python-wheel.ts) and sdist (python-sdist.ts): PyPI;
//   build/npm/     the provider's npm package and its policy pack (npm-tarballs.ts): npm.
// The Go SDK is the module in sdk/go, released by its tag.

export interface ReleaseDirs {
    plugin: string;
    python: string;
    npm: string;
}

export function releaseDirs(root: string): ReleaseDirs {
    const build = path.join(root, "build");
    return { plugin: path.join(build, "plugin"), python: path.join(build, "python"), npm: path.join(build, "npm") };
}

/** The release's version: package.json's. */
export function releaseVersion(root: string): string {
    return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
}

export interface Release {
    plugin: PluginRelease;
    /** The wheel, then the sdist. */
    python: string[];
    /** The provider's tarball, then the policy pack's. */
    npm: string[];
}

/** Builds the release; `platforms` narrows the plugin's (a rehearsal's later version needs this machine's only). */
export async function buildRelease(root: string, platforms: ReadonlyArray<Platform> = PLATFORMS): Promise<Release> {
    const version = releaseVersion(root);
    const dirs = releaseDirs(root);
    const sdk = path.join(root, "sdk", "python");
    return {
        plugin: await buildPlugin(root, dirs.plugin, version, platforms),
        python: [buildWheel(sdk, dirs.python, version), buildSdist(sdk, dirs.python, version, root)],
        npm: packNpmPackages(root, dirs.npm),
    };
}
