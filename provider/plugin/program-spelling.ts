import * as fs from "fs";
import * as path from "path";
import { spellFieldsIn, type FieldSpelling } from "../fields/field-spelling";
import type { ProviderLog } from "../support/log";

// Which language the program that runs this plugin is written in, and so how it spells field names. No call of the
// provider protocol says; but the CLI starts a provider plugin in the program's folder: the project's, or one below it
// (`main: src/`), and the project's Pulumi.yaml, there or in a folder above, names the runtime (`runtime: python`,
// `runtime: go`, or `runtime: {name: python, options: ...}` in either YAML form).
// The lifecycles write every message as TypeScript and YAML spell fields; the plugin respells them at its edge: its
// log lines (logInSpelling) and check's failures (server.ts).

const RUNTIME = /^runtime:[ \t]*(?:["']?([\w-]+)["']?[ \t]*(?:#.*)?$|\{[^}]*\bname:[ \t]*["']?([\w-]+)|(?:#.*)?\n(?:(?:[ \t]+.*|[ \t]*)\n)*?[ \t]+name:[ \t]*["']?([\w-]+))/m;

/** The runtime a project file names, or undefined. */
export function runtimeOf(projectFile: string): string | undefined {
    const match = RUNTIME.exec(projectFile);
    return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** The project file of the program in `dir`: the nearest Pulumi.yaml (or .yml) in `dir` or a folder above it. */
function projectFileText(dir: string): string | undefined {
    for (let at = path.resolve(dir); ; at = path.dirname(at)) {
        for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
            try {
                return fs.readFileSync(path.join(at, name), "utf8");
            } catch {
                // not here
            }
        }
        if (path.dirname(at) === at) return undefined;
    }
}

/** How the program in `dir` (by default the folder the CLI started this plugin in) spells field names. */
export function programFieldSpelling(dir = process.cwd()): FieldSpelling {
    const text = projectFileText(dir);
    const runtime = text === undefined ? undefined : runtimeOf(text);
    return runtime === "python" ? "snake_case" : runtime === "go" ? "PascalCase" : "camelCase";
}

/** `log`, each of its lines naming fields as the program spells them. */
export function logInSpelling(log: ProviderLog, spelling: FieldSpelling): ProviderLog {
    const spelled = (line: string) => spellFieldsIn(line, spelling);
    const progressReporter = log.progressReporter;
    return {
        info: (message) => log.info(spelled(message)),
        warn: (message) => log.warn(spelled(message)),
        ...(progressReporter && {
            progressReporter() {
                const report = progressReporter();
                return (line: string) => report(spelled(line));
            },
        }),
    };
}
