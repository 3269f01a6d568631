import { execFileSync } from "child_process";
import * as path from "path";
import { buildFromCopy } from "./python-build";

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
    return buildFromCopy(sdkDir, outDir, sdistName(version), (copy, out) => {
        execFileSync(path.join(pythonReleaseTools(root), "python"), ["-m", "build", "--sdist", "--outdir", out, copy], { stdio: ["ignore", "pipe", "pipe"] });
    });
}
