import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INSTALLED_PLUGIN_PATH, installPluginPackage, npm } from "./consumer-project";
import { pip, PYPI_PULUMI_VERSION, writePythonProgram } from "./language-projects";

// A Pulumi Python project as Python users had it before the plugin was released on its own (they upgrade from it:
// cli-upgrade.test.ts): the `pulumi` package from PyPI and `pulumi_timbal` installed with pip into a virtualenv of its
// own, and the npm package installed from its tarball (its provider plugin runs on Node.js), named in Pulumi.yaml.
// The SDK is pip-installed from the copy the npm package ships (sdk/python). Today's Python projects:
// language-projects.ts.

/** Where a project that installed the npm package finds the Python SDK to pip-install. */
export const INSTALLED_PYTHON_SDK_PATH = "node_modules/@timbal/pulumi-connector-jobs/sdk/python";

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
export function npmPluginPythonProject(dir: string, name: string, tarball: string, program: string): string {
    installPluginPackage(dir, name, tarball);
    const venv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-venv-")), "venv");
    execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "pipe", "pipe"] });
    pip(venv, [`pulumi==${PYPI_PULUMI_VERSION}`, installedSdkCopy(dir)]);
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        `name: ${name}\nruntime:\n  name: python\n  options:\n    virtualenv: ${venv}\nplugins:\n  providers:\n    - name: timbal\n      path: ${INSTALLED_PLUGIN_PATH}\n`,
    );
    writePythonProgram(dir, program);
    return dir;
}

/** Upgrades the Python project in `dir` to the package in `tarball`, as a user did: npm, then pip. */
export function upgradeNpmPluginPythonProject(dir: string, tarball: string): void {
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `file:${tarball}`], dir);
    const venv = /virtualenv: (.+)/.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))![1];
    pip(venv, ["--force-reinstall", "--no-deps", installedSdkCopy(dir)]);
}
