import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GO_IMPORT_PATH, pluginDownloadUrl } from "../provider/plugin/release";
import { SDK_DIRS } from "./generated-sdks";
import { packageVersion } from "./plugin-artifact";
import { REPO_ROOT } from "./repo-root";
import { pythonWheel } from "./release-artifacts";

// Projects of the languages the timbal plugin serves (YAML, Python, Go), as a user of that language installs the
// package with Pulumi's own tools and none of npm: the plugin comes from the release page (`pulumi install`, which a
// suite runs with the release page's environment, release-artifacts.ts), the SDK with the language's own tool (Python:
// the wheel, pip; Go: the module in sdk/go, `replace`d as a Go user does with a module not fetched from its host;
// YAML needs none).

/** The `pulumi` Python package the programs run on (the newest PyPI serves here). */
export const PYPI_PULUMI_VERSION = "3.272.0";

/** The Go module of the SDK (sdk/go): the import path's module. */
export const GO_SDK_MODULE = path.dirname(GO_IMPORT_PATH);

/** The Pulumi.yaml entry that names the plugin: this version, from the release page. */
export function packagesEntry(): string {
    return `packages:\n  timbal:\n    source: timbal\n    version: ${packageVersion()}\n    pluginDownloadURL: ${pluginDownloadUrl(packageVersion())}\n`;
}

/** A YAML project in `dir` running `program` (the YAML after the project's head: resources, outputs). */
export function yamlProject(dir: string, name: string, program: string): string {
    fs.mkdirSync(dir, { recursive: true });
    writeYamlProgram(dir, name, program);
    return dir;
}

/** Rewrites the YAML project's program. */
export function writeYamlProgram(dir: string, name: string, program: string): void {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: yaml\n${packagesEntry()}${program}`);
}

export const pip = (venv: string, args: string[]) =>
    execFileSync(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", ...args], { stdio: ["ignore", "pipe", "pipe"] });

/** A new virtualenv (in a folder of its own) with `pulumi` and `packages` pip-installed. */
export function newVirtualenv(packages: string[]): string {
    const venv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-venv-")), "venv");
    execFileSync("python3", ["-m", "venv", venv], { stdio: ["ignore", "pipe", "pipe"] });
    pip(venv, [`pulumi==${PYPI_PULUMI_VERSION}`, ...packages]);
    return venv;
}

let sharedVenv: string | undefined;

/**
 * A virtualenv with `pulumi` and the `pulumi_timbal` wheel, made once per test run and shared by the Python projects
 * of the run (the pip install is the slow part, tens of seconds).
 */
export function pythonVirtualenv(): string {
    sharedVenv ??= newVirtualenv([pythonWheel()]);
    return sharedVenv;
}

/**
 * A Python project in `dir`: `program` as `__main__.py`, on the shared virtualenv (requirements.txt names what it
 * holds, the wheel by its path, so `pulumi install` finds everything there).
 */
export function pythonProject(dir: string, name: string, program: string): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime:\n  name: python\n  options:\n    virtualenv: ${pythonVirtualenv()}\n`);
    fs.writeFileSync(path.join(dir, "requirements.txt"), `pulumi>=3.231.0,<4.0.0\n${pythonWheel()}\n`);
    writePythonProgram(dir, program);
    return dir;
}

/** Rewrites the Python project's program. */
export function writePythonProgram(dir: string, program: string): void {
    fs.writeFileSync(path.join(dir, "__main__.py"), program);
}

const go = (dir: string, args: string[]) => execFileSync("go", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GOFLAGS: "-mod=mod" } });

/** Points the Go module in `dir` at a copy of sdk/go, as a Go user points at a module on disk. */
function replaceGoSdk(dir: string): void {
    const sdk = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-go-sdk-"));
    fs.cpSync(SDK_DIRS.go, sdk, { recursive: true });
    go(dir, ["mod", "edit", "-replace", `${GO_SDK_MODULE}=${sdk}`]);
}

/** A Go project in `dir`: a module requiring the SDK (replaced by a copy of sdk/go), its go.sum from `go mod tidy`, and `program` as `main.go`. */
export function goProject(dir: string, name: string, program: string): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: go\n`);
    fs.writeFileSync(path.join(dir, "go.mod"), `module ${name}\n\ngo 1.25\n`);
    writeGoProgram(dir, program);
    replaceGoSdk(dir);
    go(dir, ["get", `${GO_SDK_MODULE}@v${packageVersion()}`]);
    go(dir, ["mod", "tidy"]);
    return dir;
}

/** Rewrites the Go project's program. */
export function writeGoProgram(dir: string, program: string): void {
    fs.writeFileSync(path.join(dir, "main.go"), program);
}

/** The examples of the languages the plugin serves: examples/<language>/. */
export type PluginExample = "yaml" | "python" | "go";

/**
 * A copy of examples/<language>/ in `dir`, set up as its README section says, up to `pulumi install` (which the caller
 * runs with the release page's environment): Python, the wheel downloaded into the project; Go, the SDK module
 * `replace`d by a copy of sdk/go.
 */
export function pluginExampleProject(language: PluginExample, dir: string): string {
    const example = path.join(REPO_ROOT, "examples", language);
    fs.cpSync(example, dir, { recursive: true, filter: (from) => !/(^|\/)venv$/.test(path.relative(example, from)) });
    if (language === "python") fs.copyFileSync(pythonWheel(), path.join(dir, path.basename(pythonWheel())));
    if (language === "go") replaceGoSdk(dir);
    return dir;
}
