import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { hostPlatform, type Platform } from "./platforms";
import { nodeBinary } from "./node-binaries";

// A Node.js single executable application (https://nodejs.org/api/single-executable-applications.html): the blob
// (the bundled script, prepared by Node) injected into a copy of a platform's Node binary with postject. The blob is
// made once, by this machine's pinned Node (the same version as every platform's), without a code cache or a
// snapshot, which are specific to the platform that made them; so every platform carries the very same blob.

/** postject's fuse: Node looks for the blob only when this string in its binary has been flipped. */
export const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** The resource's name, and on macOS the segment it must be in (Node looks nowhere else: nodejs/postject#76). */
export const SEA_RESOURCE = "NODE_SEA_BLOB";
export const SEA_MACHO_SEGMENT = "NODE_SEA";

/**
 * Prepares the blob of `script` into `blob`. The blob holds the script's path as the config names it: its name alone
 * (Node reads it from the script's folder), so that where the build ran does not change the bytes.
 */
export function makeBlob(script: string, blob: string, work: string): void {
    const config = path.resolve(work, "sea-config.json");
    fs.writeFileSync(config, JSON.stringify({ main: path.basename(script), output: path.resolve(blob), disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false }));
    execFileSync(nodeBinary(hostPlatform()), ["--experimental-sea-config", config], { cwd: path.dirname(script), stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * A Windows executable without the Authenticode signature it came with (node.exe's): the injection invalidates it,
 * and postject would leave its entry pointing at the new resources. As `signtool remove /s` does: the certificate
 * table's entry in the PE's data directories goes, its bytes at the end of the file too, and the checksum is zeroed.
 */
function withoutAuthenticode(executable: string): void {
    const file = fs.readFileSync(executable);
    const optional = file.readUInt32LE(0x3c) + 24; // the PE signature (4 bytes), then the COFF header (20)
    if (file.readUInt16LE(optional) !== 0x20b) throw new Error(`${executable} is not a PE32+ executable`);
    const certificates = optional + 112 + 4 * 8; // PE32+: the data directories start at 112; the certificate table is the fifth
    const [offset, size] = [file.readUInt32LE(certificates), file.readUInt32LE(certificates + 4)];
    file.writeUInt32LE(0, certificates);
    file.writeUInt32LE(0, certificates + 4);
    file.writeUInt32LE(0, optional + 64); // CheckSum
    fs.writeFileSync(executable, offset > 0 && offset + size === file.length ? file.subarray(0, offset) : file);
}

/** Writes `executable`: the platform's pinned Node binary with `blob` injected. */
export function injectBlob(platform: Platform, blob: string, executable: string, root: string): void {
    fs.copyFileSync(nodeBinary(platform), executable);
    fs.chmodSync(executable, 0o755);
    if (platform.os === "windows") withoutAuthenticode(executable);
    const macho = platform.os === "darwin" ? ["--macho-segment-name", SEA_MACHO_SEGMENT] : [];
    execFileSync(process.execPath, [require.resolve("postject/dist/cli.js", { paths: [root] }), executable, SEA_RESOURCE, blob, "--sentinel-fuse", SENTINEL_FUSE, ...macho], {
        stdio: ["ignore", "ignore", "pipe"], // its warnings about the ELF's note sections are harmless
    });
}
