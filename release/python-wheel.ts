import { execFileSync } from "child_process";
import { buildFromCopy } from "./python-build";

// The Python SDK's wheel (`pulumi_timbal-<version>-py3-none-any.whl`), built by pip from sdk/python.

export const wheelName = (version: string) => `pulumi_timbal-${version}-py3-none-any.whl`;

/** Builds the wheel of `sdkDir` into `outDir`; returns its path. */
export function buildWheel(sdkDir: string, outDir: string, version: string): string {
    return buildFromCopy(sdkDir, outDir, wheelName(version), (copy, out) => {
        execFileSync("python3", ["-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps", "--wheel-dir", out, copy], { stdio: ["ignore", "pipe", "pipe"] });
    });
}
