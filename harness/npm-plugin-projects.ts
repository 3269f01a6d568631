import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { newVirtualenv, pip, pythonProject, writeYamlProgram, yamlProject } from "./language-projects";
import { installPackages, npm } from "./npm-packages";

// YAML and Python projects as their users had them before the plugin was released on its own (they upgrade from
// them: cli-upgrade.test.ts): the npm package installed from its tarball, its provider plugin (the `plugin/` folder,
// run on Node.js) named in Pulumi.yaml; for Python, `pulumi` from PyPI and the SDK the npm package ships (sdk/python)
// pip-installed into a virtualenv of the project's own. The projects of language-projects.ts, with that plugin.

/** Where a project that installed the package finds its provider plugin (Pulumi.yaml `plugins: providers:`). */
export const INSTALLED_PLUGIN_PATH = "node_modules/@timbal/pulumi-connector-jobs/plugin";

const NPM_PLUGIN = { pluginPath: INSTALLED_PLUGIN_PATH };

/** A project folder with the package installed from `tarball`, and this run's @pulumi/pulumi (the plugin runs on it). */
function installPluginPackage(dir: string, name: string, tarball: string): void {
    installPackages(dir, name, { "@timbal/pulumi-connector-jobs": tarball }, { typescript: false });
}

/** A YAML project in `dir` on the npm package's plugin, running `program` (the YAML after `runtime`: resources, outputs). */
export function npmPluginYamlProject(dir: string, name: string, tarball: string, program: string): string {
    installPluginPackage(dir, name, tarball);
    return yamlProject(dir, name, program, NPM_PLUGIN);
}

/** Rewrites that YAML project's program. */
export function writeNpmPluginYamlProgram(dir: string, name: string, program: string): void {
    writeYamlProgram(dir, name, program, NPM_PLUGIN);
}

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
    return pythonProject(dir, name, program, { ...NPM_PLUGIN, virtualenv: newVirtualenv([installedSdkCopy(dir)]) });
}

/** Upgrades the Python project in `dir` to the package in `tarball`, as a user did: npm, then pip. */
export function upgradeNpmPluginPythonProject(dir: string, tarball: string): void {
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `file:${tarball}`], dir);
    const venv = /virtualenv: (.+)/.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))![1];
    pip(venv, ["--force-reinstall", "--no-deps", installedSdkCopy(dir)]);
}
