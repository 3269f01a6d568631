import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// The Python SDK's distributions are built from a copy of sdk/python: the build tools write build/ and *.egg-info
// into the folder they build, which must stay out of the repository.

/**
 * Runs `build(copy, out)` on a copy of `sdkDir`, then moves `fileName` from `out` into `outDir` (whole, or not at all);
 * returns its path there.
 */
export function buildFromCopy(sdkDir: string, outDir: string, fileName: string, build: (copy: string, out: string) => void): string {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-build-"));
    const built = path.join(outDir, fileName);
    try {
        fs.cpSync(sdkDir, path.join(work, "sdk"), { recursive: true });
        build(path.join(work, "sdk"), path.join(work, "out"));
        fs.mkdirSync(outDir, { recursive: true });
        fs.copyFileSync(path.join(work, "out", fileName), `${built}.partial`);
        fs.renameSync(`${built}.partial`, built);
        return built;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
