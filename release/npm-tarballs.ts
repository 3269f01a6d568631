import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// The npm packages a release publishes, packed as `npm publish` would send them: the provider
// (@timbal/pulumi-connector-jobs, from the repository's root) and its policy pack (@timbal/pulumi-connector-jobs-policy,
// from policy/). Both hold compiled code: `npm run build` comes first (npm run release runs it).

export const NPM_PACKAGE_DIRS = [".", "policy"];

/** Packs each package of the repository at `root` into `outDir`; returns the tarballs' paths, the provider's first. */
export function packNpmPackages(root: string, outDir: string): string[] {
    fs.mkdirSync(outDir, { recursive: true });
    return NPM_PACKAGE_DIRS.map((dir) => {
        // --ignore-scripts: the build ran already; the pack's prepare would need its peer (the provider) installed.
        const out = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", outDir], { cwd: path.join(root, dir), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return path.join(outDir, out.trim().split("\n").pop()!);
    });
}
