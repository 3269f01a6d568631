import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { hostPlatform, platformName } from "../release/platforms";
import { releaseDirs } from "../release/release";
import { setVersion } from "../release/version";
import { REPO_ROOT } from "./repo-root";
import { scratchFolder } from "./scratch-folders";

// The next release, made as a maintainer makes it: a copy of this checkout (its files as git sees them, on this
// checkout's node_modules), `npm run release:version <version>`, then `npm run release` (this machine's plugin only,
// which is all the suites that deploy it run). The upgrade rehearsal moves stacks deployed with this checkout's version
// to it.

export interface LaterRelease {
    version: string;
    /** The release page's files: this machine's tarball and SHA256SUMS. */
    page: string[];
    /** The wheel and the sdist. */
    python: string[];
    /** The provider's npm tarball, then the policy pack's. */
    npm: string[];
}

export function buildLaterRelease(version: string): LaterRelease {
    const root = scratchFolder(`timbal-release-${version}-`);
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const file of files) {
        if (!fs.existsSync(path.join(REPO_ROOT, file))) continue; // deleted in the working tree, not yet in git
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.copyFileSync(path.join(REPO_ROOT, file), path.join(root, file));
    }
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"));
    setVersion(root, version);
    execFileSync("npm", ["run", "release", "--", "--platforms", platformName(hostPlatform())], { cwd: root, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    const dirs = releaseDirs(root);
    const inside = (dir: string, pattern: RegExp) => fs.readdirSync(dir).filter((name) => pattern.test(name)).sort().map((name) => path.join(dir, name));
    return {
        version,
        page: inside(dirs.plugin, /\.tar\.gz$|^SHA256SUMS$/),
        python: inside(dirs.python, /\.whl$|\.tar\.gz$/),
        npm: [inside(dirs.npm, /^timbal-pulumi-connector-jobs-\d/)[0], inside(dirs.npm, /-policy-/)[0]],
    };
}
