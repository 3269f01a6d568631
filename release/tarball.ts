import { execFileSync } from "child_process";
import * as fs from "fs";
import { nodeBinary } from "./node-binaries";
import { hostPlatform } from "./platforms";

// A release tarball that is the same bytes whoever builds it, whenever, with whichever Node runs the build: one file
// at its root, sorted, with fixed times, owners and mode, gzipped without a name or a time by the pinned Node.js (the
// zlib of another Node version may compress differently).

const GZIP = "process.stdout.write(require('zlib').gzipSync(require('fs').readFileSync(0)))";

export function writeTarball(tarball: string, dir: string, file: string): void {
    const tar = execFileSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--mode=0755", "--format=gnu", "-cf", "-", "-C", dir, file], {
        maxBuffer: 1 << 30,
    });
    const gzipped = execFileSync(nodeBinary(hostPlatform()), ["-e", GZIP], { input: tar, maxBuffer: 1 << 30 });
    // Written beside, then renamed: a reader never sees half a tarball.
    fs.writeFileSync(`${tarball}.partial`, gzipped);
    fs.renameSync(`${tarball}.partial`, tarball);
}
