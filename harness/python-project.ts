import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INSTALLED_PLUGIN_PATH, installPluginPackage, npm } from "./consumer-project";

// A Pulumi Python project as a Python user has it: the `pulumi` package from PyPI and `pulumi_timbal` installed with
// pip into a virtualenv, and the npm package installed from its tarball (its provider plugin runs on Node.js), named
// in Pulumi.yaml. The SDK is pip-installed from the copy the npm package ships (sdk/python), as the README says.

/** The `pulumi` Python package the programs run on (the newest PyPI serves here). */
export const PYPI_PULUMI_VERSION = "3.272.0";

/** Where a project that installed the npm package finds the Python SDK to pip-install. */
export const INSTALLED_PYTHON_SDK_PATH = "node_modules/@timbal/pulumi-connector-jobs/sdk/python";

let shared: string | undefined;

const pip = (venv: string, args: string[]) =>
    execFileSync(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", ...args], { stdio: ["ignore", "pipe", "pipe"] });

/**
 * A virtualenv with `pulumi` and `pulumi_timbal` (from `sdkDir`), made once per test run and shared by the Python
 * projects of the run: the pip install is the slow part (tens of seconds), and they all install the same tarball.
 * `own`: a virtualenv of its own (a project whose SDK is upgraded later).
 */
export function pythonVirtualenv(sdkDir: string, own = false): string {
    if (shared && !own) return shared;
    const venv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-venv-")), "venv");
    execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "pipe", "pipe"] });
    pip(venv, [`pulumi==${PYPI_PULUMI_VERSION}`, sdkDir]);
    if (!own) shared = venv;
    return venv;
}

/** The SDK the npm package installed in `dir` ships, copied: pip builds in the folder it is given. */
function installedSdkCopy(dir: string): string {
    const sdkCopy = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-sdk-copy-"));
    fs.cpSync(path.join(dir, INSTALLED_PYTHON_SDK_PATH), sdkCopy, { recursive: true });
    return sdkCopy;
}

/**
 * A Pulumi Python project in `dir`: the npm package installed from `tarball` (with this run's @pulumi/pulumi, which
 * its plugin runs on), a virtualenv with the SDK pip-installed from that package, and `program` as `__main__.py`.
 */
export function pythonProject(dir: string, name: string, tarball: string, program: string, options: { ownVirtualenv?: boolean } = {}): string {
    installPluginPackage(dir, name, tarball);
    const venv = pythonVirtualenv(installedSdkCopy(dir), options.ownVirtualenv);
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        `name: ${name}\nruntime:\n  name: python\n  options:\n    virtualenv: ${venv}\nplugins:\n  providers:\n    - name: timbal\n      path: ${INSTALLED_PLUGIN_PATH}\n`,
    );
    writePythonProgram(dir, program);
    return dir;
}

/** Upgrades the Python project in `dir` (with a virtualenv of its own) to the package in `tarball`, as a user does: npm, then pip. */
export function upgradePythonProject(dir: string, tarball: string): void {
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `file:${tarball}`], dir);
    const venv = /virtualenv: (.+)/.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))![1];
    pip(venv, ["--force-reinstall", "--no-deps", installedSdkCopy(dir)]);
}

/** Rewrites the Python project's program. */
export function writePythonProgram(dir: string, program: string): void {
    fs.writeFileSync(path.join(dir, "__main__.py"), program);
}
