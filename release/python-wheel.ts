import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// The Python SDK's wheel (`pulumi_timbal-<version>-py3-none-any.whl`), built by pip from sdk/python.

export const wheelName = (version: string) => `pulumi_timbal-${version}-py3-none-any.whl`;

/** Builds the wheel of `sdkDir` into `outDir`; returns its path. */
export function buildWheel(sdkDir: string, outDir: string, version: string): string {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-wheel-"));
    const wheel = path.join(outDir, wheelName(version));
    try {
        // pip builds in the folder it is given: a copy keeps build/ and *.egg-info out of sdk/python.
        fs.cpSync(sdkDir, path.join(work, "sdk"), { recursive: true });
        execFileSync("python3", ["-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps", "--wheel-dir", path.join(work, "out"), path.join(work, "sdk")], {
            stdio: ["ignore", "pipe", "pipe"],
        });
        fs.mkdirSync(outDir, { recursive: true });
        fs.copyFileSync(path.join(work, "out", wheelName(version)), `${wheel}.partial`);
        fs.renameSync(`${wheel}.partial`, wheel);
        return wheel;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
