import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// The npm packages a release publishes, packed as `npm publish` would send them: the provider
// (@timbal/pulumi-connector-jobs, from the repository's root) and its policy pack (@timbal/pulumi-connector-jobs-policy,
// from policy/). Both hold compiled code: `npm run build` comes first (npm run release runs it).

const NPM_PACKAGE_DIRS = [".", "policy"];

/**
 * `npm pack` of the package in `dir` into `outDir`; returns the tarball's path. --ignore-scripts: the build ran
 * already, and the policy pack's prepare would need its peer (the provider) installed.
 */
export function packNpmPackage(dir: string, outDir: string): string {
    fs.mkdirSync(outDir, { recursive: true });
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", outDir], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return path.join(outDir, out.trim().split("\n").pop()!);
}

/** Packs each package of the repository at `root` into `outDir`; returns the tarballs' paths, the provider's first. */
export function packNpmPackages(root: string, outDir: string): string[] {
    return NPM_PACKAGE_DIRS.map((dir) => packNpmPackage(path.join(root, dir), outDir));
}
