import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageVersion } from "./plugin-artifact";
import { PLUGIN_SCHEMA_FILE } from "./plugin-schema";
import { REPO_ROOT } from "./repo-root";

// The SDKs generated from plugin/schema.json by the CLI's own generator (`pulumi package gen-sdk`, which runs inside
// the language's host): sdk/python, the `pulumi_timbal` package, and sdk/go, the Go module whose package `timbal`
// programs import.

export type SdkLanguage = "python" | "go";

export const SDK_DIRS: Record<SdkLanguage, string> = { python: path.join(REPO_ROOT, "sdk", "python"), go: path.join(REPO_ROOT, "sdk", "go") };

/** Generates the language's SDK into `<out>/<language>` with the CLI and that language's host in `binDir`; returns that folder. */
export function generateSdk(binDir: string, language: SdkLanguage, out: string): string {
    const version = packageVersion();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-gen-sdk-home-"));
    try {
        execFileSync(path.join(binDir, "pulumi"), ["package", "gen-sdk", PLUGIN_SCHEMA_FILE, "--language", language, "--out", out, "--version", version], {
            env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}`, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        });
    } finally {
        fs.rmSync(home, { recursive: true, force: true });
    }
    return path.join(out, language);
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

/** Rewrites the language's SDK folder from the schema. */
export function writeSdk(binDir: string, language: SdkLanguage): void {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${language}-sdk-`));
    try {
        const generated = generateSdk(binDir, language, out);
        fs.rmSync(SDK_DIRS[language], { recursive: true, force: true });
        fs.mkdirSync(path.dirname(SDK_DIRS[language]), { recursive: true });
        fs.cpSync(generated, SDK_DIRS[language], { recursive: true });
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
}
