import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NODE_VERSION, platformName, type Platform } from "./platforms";

// The pinned Node.js binary of a platform (platforms.ts), from its npm package: packed with npm (the registry's own
// client, its integrity checked by npm), the binary taken out, and its SHA-256 compared with the pin before anything
// uses it. Kept in a cache folder outside the repository, and checked again on every use.

const cacheDir = () => path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "timbal-release-node");

export function sha256Of(file: string): string {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** Refuses a binary that is not the pinned one, naming it. */
function checkPin(platform: Platform, file: string): void {
    const got = sha256Of(file);
    if (got !== platform.sha256) {
        throw new Error(
            `the Node.js binary for ${platformName(platform)} (${platform.nodePackage}@${NODE_VERSION}, ${platform.nodeBinary}) has SHA-256 ` +
                `${got}, not the pinned ${platform.sha256} (release/platforms.ts): the build stops here. If the package was republished on ` +
                "purpose, check the new binary and pin its SHA-256",
        );
    }
}

/** The path of the platform's pinned Node.js binary, fetched once. */
export function nodeBinary(platform: Platform): string {
    const dir = path.join(cacheDir(), `${platform.nodePackage}-${NODE_VERSION}`);
    const binary = path.join(dir, path.basename(platform.nodeBinary));
    if (!fs.existsSync(binary)) {
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-node-package-"));
        try {
            execFileSync("npm", ["pack", "--silent", `${platform.nodePackage}@${NODE_VERSION}`, "--pack-destination", work], { stdio: ["ignore", "pipe", "pipe"] });
            const packed = fs.readdirSync(work).find((name) => name.endsWith(".tgz"));
            if (!packed) throw new Error(`npm pack ${platform.nodePackage}@${NODE_VERSION} left no tarball`);
            execFileSync("tar", ["-xzf", path.join(work, packed), "-C", work, platform.nodeBinary]);
            checkPin(platform, path.join(work, platform.nodeBinary));
            fs.mkdirSync(dir, { recursive: true });
            fs.copyFileSync(path.join(work, platform.nodeBinary), `${binary}.partial`);
            fs.chmodSync(`${binary}.partial`, 0o755);
            fs.renameSync(`${binary}.partial`, binary);
        } finally {
            fs.rmSync(work, { recursive: true, force: true });
        }
    }
    checkPin(platform, binary);
    return binary;
}
