import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GO_IMPORT_PATH, pluginDownloadUrl } from "../provider/plugin/release";
import { projectUsingRepoModules } from "./example-project";
import { SDK_DIRS } from "./generated-sdks";
import { installPackages } from "./npm-packages";
import { packageVersion } from "./plugin-artifact";
import { REPO_ROOT } from "./repo-root";
import { scratchFolder } from "./scratch-folders";
import { pythonWheel } from "./release-artifacts";

// One project writer per language: the project file (Pulumi.yaml), the program, and what the language installs.
// TypeScript projects run this checkout's package (built) from the repository's node_modules, or tarballs installed
// as a user installs them. YAML, Python and Go projects are set up as a user of that language installs the package,
// with Pulumi's own tools and none of npm: the plugin comes from the release page (`pulumi install`, which a suite
// runs with the release page's environment, release-artifacts.ts), the SDK with the language's own tool (Python: the
// wheel, pip; Go: the module in sdk/go, `replace`d as a Go user does with a module not fetched from its host; YAML
// needs none). Any project may name a plugin on disk instead (`pluginPath`: the checkout's plugin/ folder, a released
// executable, the npm package's plugin of npm-plugin-projects.ts).

/** The `pulumi` Python package the programs run on (the newest PyPI serves here). */
export const PYPI_PULUMI_VERSION = "3.272.0";

/** The Go module of the SDK (sdk/go): the import path's module. */
export const GO_SDK_MODULE = path.dirname(GO_IMPORT_PATH);

/** The Pulumi.yaml entry that names the plugin: this version, from the release page. */
export function packagesEntry(): string {
    return `packages:\n  timbal:\n    source: timbal\n    version: ${packageVersion()}\n    pluginDownloadURL: ${pluginDownloadUrl(packageVersion())}\n`;
}

/** The Pulumi.yaml entry that names a plugin on disk: the folder, or the executable, at `pluginPath`. */
function pluginsEntry(pluginPath: string): string {
    return `plugins:\n  providers:\n    - name: timbal\n      path: ${pluginPath}\n`;
}

export interface ProjectOptions {
    /** A plugin on disk, named in Pulumi.yaml (otherwise YAML names the release page's; Python's and Go's SDKs name it). */
    pluginPath?: string;
    /** The folder of the program, below the project's (Pulumi.yaml's `main`, as `src/`); default: the project's own. */
    main?: string;
}

/** Writes the project's Pulumi.yaml: its name, its runtime's lines, its main, a plugin on disk if any, then `more`. */
function writeProjectFile(dir: string, name: string, runtime: string, options: ProjectOptions, more = ""): void {
    const plugin = options.pluginPath ? pluginsEntry(options.pluginPath) : "";
    const main = options.main ? `main: ${options.main}\n` : "";
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\n${runtime}${main}${plugin}${more}`);
}

/** A new folder for a project named `name`. */
export const newProjectFolder = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${name}-`));

/**
 * A TypeScript project named `name` (in `dir`, or a new folder) whose index.ts is `program`: on this checkout's
 * package (built) from the repository's node_modules, or with `packages` (package name → tarball) npm-installed as a
 * user installs them.
 */
export function typescriptProject(name: string, program: string, options: ProjectOptions & { dir?: string; packages?: Record<string, string> } = {}): string {
    const dir = options.dir ?? newProjectFolder(name);
    if (options.packages) installPackages(dir, name, options.packages, { typescript: true });
    else projectUsingRepoModules(dir);
    writeProjectFile(dir, name, "runtime: nodejs\nmain: index.ts\n", options);
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    return dir;
}

/** A YAML project in `dir` running `program` (the YAML after the project's head: config, resources, outputs). */
export function yamlProject(dir: string, name: string, program: string, options: ProjectOptions = {}): string {
    fs.mkdirSync(dir, { recursive: true });
    writeYamlProgram(dir, name, program, options);
    return dir;
}

/** Rewrites the YAML project's program (its head again, as `options` name the plugin). */
export function writeYamlProgram(dir: string, name: string, program: string, options: ProjectOptions = {}): void {
    writeProjectFile(dir, name, "runtime: yaml\n", options, `${options.pluginPath ? "" : packagesEntry()}${program}`);
}

export const pip = (venv: string, args: string[]) =>
    execFileSync(path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", ...args], { stdio: ["ignore", "pipe", "pipe"] });

/** A new virtualenv (in a folder of its own) with `pulumi` and `packages` pip-installed. */
export function newVirtualenv(packages: string[]): string {
    const venv = path.join(scratchFolder("timbal-python-venv-"), "venv");
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
 * holds, the wheel by its path, so `pulumi install` finds everything there), or on `virtualenv`, a project's own.
 */
export function pythonProject(dir: string, name: string, program: string, options: ProjectOptions & { virtualenv?: string } = {}): string {
    fs.mkdirSync(dir, { recursive: true });
    writeProjectFile(dir, name, `runtime:\n  name: python\n  options:\n    virtualenv: ${options.virtualenv ?? pythonVirtualenv()}\n`, options);
    if (!options.virtualenv) fs.writeFileSync(path.join(dir, "requirements.txt"), `pulumi>=3.231.0,<4.0.0\n${pythonWheel()}\n`);
    writePythonProgram(dir, program, options.main);
    return dir;
}

/** Rewrites the Python project's program (in its `main` folder, if it has one). */
export function writePythonProgram(dir: string, program: string, main = ""): void {
    fs.mkdirSync(path.join(dir, main), { recursive: true });
    fs.writeFileSync(path.join(dir, main, "__main__.py"), program);
}

const go = (dir: string, args: string[]) => execFileSync("go", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, GOFLAGS: "-mod=mod" } });

/** Points the Go module in `dir` at a copy of sdk/go, as a Go user points at a module on disk. */
function replaceGoSdk(dir: string): void {
    const sdk = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-go-sdk-"));
    fs.cpSync(SDK_DIRS.go, sdk, { recursive: true });
    go(dir, ["mod", "edit", "-replace", `${GO_SDK_MODULE}=${sdk}`]);
}

/**
 * A Go project in `dir`: a module requiring the SDK (replaced by a copy of sdk/go), its go.sum from `go mod tidy`, and
 * `program` as `main.go` (in its `main` folder, if it has one).
 */
export function goProject(dir: string, name: string, program: string, options: ProjectOptions = {}): string {
    fs.mkdirSync(dir, { recursive: true });
    writeProjectFile(dir, name, "runtime: go\n", options);
    fs.writeFileSync(path.join(dir, "go.mod"), `module ${name}\n\ngo 1.25\n`);
    writeGoProgram(dir, program, options.main);
    replaceGoSdk(dir);
    go(dir, ["get", `${GO_SDK_MODULE}@v${packageVersion()}`]);
    go(dir, ["mod", "tidy"]);
    return dir;
}

/** Rewrites the Go project's program (in its `main` folder, if it has one). */
export function writeGoProgram(dir: string, program: string, main = ""): void {
    fs.mkdirSync(path.join(dir, main), { recursive: true });
    fs.writeFileSync(path.join(dir, main, "main.go"), program);
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
