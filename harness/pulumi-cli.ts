import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./repo-root";
import { requireTool } from "./require-tool";
import { scratchFolder } from "./scratch-folders";
import { recordArtifact } from "./secret-guard";
import { dynamicType } from "../provider/fields/type-tokens";
import { isMarkedSecret } from "../provider/support/secret-marker";

export { copyExampleProject, projectUsingRepoModules } from "./example-project";

// Runs the real Pulumi CLI: a local file backend in a temp folder, a passphrase secrets provider, update checks off.
// By default two costs a test does not need are cut (each CLI command is seconds of CPU on a 2-core CI machine):
// `up` skips its preview (preview is its own command, tested as such), and Pulumi's Node.js host transpiles a
// TypeScript program without type-checking it (`npm run typecheck` checks every program this repository ships).
// Suites that prove what a user's own commands do ask for them as a user runs them (CliOptions).
// The CLI comes from TIMBAL_PULUMI_BIN (set by .ci/run after tools/pulumi-cli/ensure.sh), a `pulumi` on PATH, or the
// folder ensure.sh prepares in this checkout's node_modules.

/** Where tools/pulumi-cli/ensure.sh puts the CLI and this checkout's plugins. */
const CHECKOUT_BIN = path.join(REPO_ROOT, "node_modules", ".timbal-pulumi-bin");

/**
 * The language hosts a suite's programs need beside `pulumi`: Node.js for TypeScript programs (and the npm package's
 * plugin folder), YAML for YAML programs, Python for Python programs and the Python SDK, Go for Go programs and the Go SDK.
 */
export type LanguageHost = "nodejs" | "yaml" | "python" | "go";

/** The folder holding `pulumi` and the given language hosts, or undefined when there is none. */
export function pulumiBinDir(hosts: LanguageHost[] = ["nodejs"]): string | undefined {
    const candidates = [process.env.TIMBAL_PULUMI_BIN, ...(process.env.PATH ?? "").split(path.delimiter), CHECKOUT_BIN];
    return candidates.find(
        (dir) => dir && fs.existsSync(path.join(dir, "pulumi")) && hosts.every((host) => fs.existsSync(path.join(dir, `pulumi-language-${host}`))),
    );
}

/** Skips the calling suite when no CLI (with these language hosts) is available, unless CI demands one (then it fails). */
export function requirePulumiCli(suite: Mocha.Context, hosts: LanguageHost[] = ["nodejs"]): string {
    return requireTool(suite, {
        found: pulumiBinDir(hosts),
        missing: `no Pulumi CLI with the ${hosts.join(" and ")} language hosts found (run tools/pulumi-cli/ensure.sh, or put pulumi on PATH)`,
        requiredEnvVar: "TIMBAL_REQUIRE_PULUMI_CLI",
    });
}

export interface ExportedResource {
    urn: string;
    id?: string;
    type: string;
    inputs?: Record<string, any>;
    outputs: Record<string, any>;
    parent?: string;
    /** The URNs the engine recorded this resource as depending on. */
    dependencies?: string[];
    delete?: boolean;
}

/** Whether a value of `pulumi stack export` is a secret: the engine's secret signature, its plain value encrypted. */
export function isStoredSecret(value: unknown): boolean {
    return isMarkedSecret(value) && typeof value.ciphertext === "string";
}

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr together. */
    output: string;
}

/** How a PulumiCli runs commands. */
export interface CliOptions {
    /** `up` previews first, as a user's `pulumi up --yes` does (otherwise it gets `--skip-preview`). */
    previewBeforeUp?: boolean;
    /** The Node.js host type-checks a TypeScript program against the installed types (otherwise transpile only). */
    typeCheck?: boolean;
}

/** Commands exactly as a user's shell runs them. */
export const AS_A_USER: CliOptions = { previewBeforeUp: true, typeCheck: true };


/** Environment variables that carry the machine's CA bundle and proxies. */
const NETWORK_VARIABLES = /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|PIP_CERT|REQUESTS_CA_BUNDLE|(HTTPS?|NO)_PROXY|(https?|no)_proxy|npm_config_(cafile|registry|proxy|https_proxy))$/;

export class PulumiCli {
    readonly stateDir: string;

    constructor(
        readonly projectDir: string,
        readonly binDir: string,
        readonly env: NodeJS.ProcessEnv = {},
        readonly options: CliOptions = {},
    ) {
        // Its backend, PULUMI_HOME (a released plugin is 100 MB) and temporary files, removed when the process ends.
        this.stateDir = scratchFolder("timbal-pulumi-state-");
        fs.mkdirSync(path.join(this.stateDir, "tmp"));
    }

    /** The CLI's arguments for `args`: non-interactive always; `up` without its preview unless previewBeforeUp. */
    argv(args: string[]): string[] {
        const skipPreview = args[0] === "up" && !this.options.previewBeforeUp && !args.includes("--skip-preview");
        return [...args, ...(skipPreview ? ["--skip-preview"] : []), "--non-interactive"];
    }

    /** The environment every command of this CLI runs with (a local backend of its own), plus `extra`. */
    environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            PATH: `${this.binDir}${path.delimiter}${process.env.PATH}`,
            HOME: process.env.HOME,
            // The machine's way to its package registries (CA bundle, proxies), as a user's shell has it: npm under
            // `pulumi package add`, pip and go fetch through it (a fresh HOME has no ~/.npmrc naming the CA).
            ...Object.fromEntries(Object.entries(process.env).filter(([name]) => NETWORK_VARIABLES.test(name))),
            PULUMI_HOME: path.join(this.stateDir, ".pulumi-home"),
            // The CLI's own temporary files (a plugin's download, 40 MB, is left there when its install fails).
            TMPDIR: path.join(this.stateDir, "tmp"),
            PULUMI_BACKEND_URL: `file://${this.stateDir}`,
            PULUMI_CONFIG_PASSPHRASE: "timbal-e2e-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            NO_COLOR: "1",
            PULUMI_NODEJS_TRANSPILE_ONLY: this.options.typeCheck ? "false" : "true",
            TIMBAL_CONFIG_DIR: path.join(this.stateDir, "no-timbal-profiles"),
            ...this.env,
            ...extra,
        };
        for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
        return env;
    }

    run(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
        const env = this.environment(options.env);
        return new Promise((resolve, reject) => {
            const child = spawn(path.join(this.binDir, "pulumi"), this.argv(args), { cwd: this.projectDir, env });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (chunk) => (stdout += chunk));
            child.stderr.on("data", (chunk) => (stderr += chunk));
            const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 240_000);
            child.once("error", reject);
            child.once("exit", (code) => {
                clearTimeout(timer);
                const result = { code: code ?? -1, stdout, stderr, output: stdout + stderr };
                recordArtifact(`pulumi ${args.join(" ")}`, result.output);
                resolve(result);
            });
        });
    }

    /**
     * The same stack as another CI runner has it: the project in `projectDir` (a fresh copy, with this one's stack
     * config files), a new PULUMI_HOME and a new HOME (no plugin cache, no dispatch journal, no ~/.timbal), and this
     * CLI's backend and passphrase. Only what a runner keeps between jobs is shared: the backend, and Go's module and
     * build caches (which runners restore, as actions/setup-go does by default: without them a Go program's first
     * command compiles Pulumi's Go SDK again, about 80 s here, and proves nothing more).
     */
    onFreshRunner(projectDir: string): PulumiCli {
        for (const file of fs.readdirSync(this.projectDir).filter((name) => /^Pulumi\..+\.yaml$/.test(name))) {
            fs.copyFileSync(path.join(this.projectDir, file), path.join(projectDir, file));
        }
        const home = scratchFolder("timbal-runner-home-");
        return new PulumiCli(projectDir, this.binDir, { ...this.env, ...goCaches(), HOME: home, PULUMI_BACKEND_URL: `file://${this.stateDir}` }, this.options);
    }

    /** Runs and fails the test with the CLI's own output when the command fails. */
    async ok(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
        const result = await this.run(args, options);
        if (result.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.code}:\n${result.output}`);
        return result;
    }

    private async exported(): Promise<ExportedResource[]> {
        return JSON.parse((await this.ok(["stack", "export"])).stdout).deployment.resources ?? [];
    }

    /** The stack's live resources from `pulumi stack export`, by resource name (not those pending deletion). */
    async resources(): Promise<Record<string, ExportedResource>> {
        const live = (await this.exported()).filter((r) => !r.delete);
        return Object.fromEntries(live.map((r) => [r.urn.split("::").pop(), r]));
    }

    /** Ids of resources kept in state, marked for deletion after a replacement whose create failed (of one type). */
    async pendingDeletion(type = dynamicType("connectorJob")): Promise<(string | undefined)[]> {
        return (await this.exported()).filter((r) => r.delete && r.type === type).map((r) => r.id);
    }
}

let machineGoCaches: Record<string, string> | undefined;

/** This machine's Go caches (GOCACHE, GOMODCACHE), as the tests' own processes have them; none without Go. */
function goCaches(): Record<string, string> {
    if (!machineGoCaches) {
        try {
            const [cache, modCache] = execFileSync("go", ["env", "GOCACHE", "GOMODCACHE"], { encoding: "utf8" }).trim().split("\n");
            machineGoCaches = { GOCACHE: cache, GOMODCACHE: modCache };
        } catch {
            machineGoCaches = {};
        }
    }
    return machineGoCaches;
}

export function writeStackConfig(file: string, config: Record<string, string>): void {
    const lines = Object.entries(config).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`);
    fs.writeFileSync(file, `config:\n${lines.join("\n")}\n`);
}
