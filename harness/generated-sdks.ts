import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLUGIN_SCHEMA_FILE } from "./plugin-schema";
import { REPO_ROOT } from "./pulumi-cli";

// sdk/python, the `pulumi_timbal` package, generated from plugin/schema.json by the CLI's own generator
// (`pulumi package gen-sdk --language python`, which runs inside Pulumi's Python language host).

export const PYTHON_SDK_DIR = path.join(REPO_ROOT, "sdk", "python");

/** Generates the Python SDK into `<out>/python` with the CLI and Python host in `binDir`; returns that folder. */
export function generatePythonSdk(binDir: string, out: string): string {
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version;
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-gen-sdk-home-"));
    try {
        execFileSync(path.join(binDir, "pulumi"), ["package", "gen-sdk", PLUGIN_SCHEMA_FILE, "--language", "python", "--out", out, "--version", version], {
            env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}`, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
    } finally {
        fs.rmSync(home, { recursive: true, force: true });
    }
    return path.join(out, "python");
}

/** Every file under `dir` (relative path → text), leaving out what building or installing the package writes. */
export function sdkFiles(dir: string): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (at: string) => {
        for (const entry of fs.readdirSync(path.join(dir, at), { withFileTypes: true })) {
            const relative = path.join(at, entry.name);
            if (/^(build|dist|__pycache__)$|\.egg-info$/.test(entry.name)) continue;
            if (entry.isDirectory()) walk(relative);
            else files.set(relative, fs.readFileSync(path.join(dir, relative), "utf8"));
        }
    };
    walk("");
    return files;
}

/** Rewrites sdk/python from the schema. */
export function writePythonSdk(binDir: string): void {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-sdk-"));
    try {
        const generated = generatePythonSdk(binDir, out);
        fs.rmSync(PYTHON_SDK_DIR, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(PYTHON_SDK_DIR), { recursive: true });
        fs.cpSync(generated, PYTHON_SDK_DIR, { recursive: true });
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}
