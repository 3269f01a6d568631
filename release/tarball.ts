import { execFileSync } from "child_process";
import * as fs from "fs";
import * as zlib from "zlib";

// A release tarball that is the same bytes whoever builds it, whenever: one file at its root, sorted, with fixed
// times and owners, gzipped without a name or a time (Node's gzip writes neither).

export function writeTarball(tarball: string, dir: string, file: string): void {
    const tar = execFileSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--mode=0755", "--format=gnu", "-cf", "-", "-C", dir, file], {
        maxBuffer: 1 << 30,
    });
    // Written beside, then renamed: a reader never sees half a tarball.
    fs.writeFileSync(`${tarball}.partial`, zlib.gzipSync(tar));
    fs.renameSync(`${tarball}.partial`, tarball);
}
