import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// The Python SDK's source distribution (`pulumi_timbal-<version>.tar.gz`), which PyPI publishes beside the wheel,
// built by PyPA's `build` from sdk/python.

export const sdistName = (version: string) => `pulumi_timbal-${version}.tar.gz`;

/** The bin folder of Python's release tools (build, twine, pypiserver): tools/python-release/ensure.sh installs them. */
export function pythonReleaseTools(root: string): string {
    if (process.env.TIMBAL_PYTHON_RELEASE_TOOLS) return process.env.TIMBAL_PYTHON_RELEASE_TOOLS;
    return execFileSync("bash", [path.join(root, "tools", "python-release", "ensure.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** Builds the sdist of `sdkDir` into `outDir`; returns its path. */
export function buildSdist(sdkDir: string, outDir: string, version: string, root: string): string {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-sdist-"));
    const sdist = path.join(outDir, sdistName(version));
    try {
        // A copy, as for the wheel: build writes *.egg-info into the folder it builds.
        fs.cpSync(sdkDir, path.join(work, "sdk"), { recursive: true });
        execFileSync(path.join(pythonReleaseTools(root), "python"), ["-m", "build", "--sdist", "--outdir", path.join(work, "out"), path.join(work, "sdk")], {
            stdio: ["ignore", "pipe", "pipe"],
        });
        fs.mkdirSync(outDir, { recursive: true });
        fs.copyFileSync(path.join(work, "out", sdistName(version)), `${sdist}.partial`);
        fs.renameSync(`${sdist}.partial`, sdist);
        return sdist;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
