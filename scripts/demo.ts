import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type Emulator } from "../emulator";
import { copyExampleProject } from "../harness/example-project";
import { REPO_ROOT } from "../harness/repo-root";
import { pluginExampleProject, type PluginExample } from "../harness/language-projects";
import { pluginTarball, releasePage, type ReleasePage } from "../harness/release-artifacts";
import { isConnectorJob } from "../provider/fields/type-tokens";
import { formatCount, formatSeconds } from "../provider/support/readable-numbers";

// `npm run demo`: the example stack, deployed with the real Pulumi CLI to the local emulator. Starts the emulator on
// 127.0.0.1:8787 (where examples/Pulumi.emulator.yaml points), runs `pulumi up` on a throwaway local backend, waits
// for the extractions to finish, refreshes, prints a table of the jobs, and stops the emulator.
// `npm run demo:yaml` (`--yaml`), `npm run demo:python` (`--python`) and `npm run demo:go` (`--go`): the same for the
// YAML example (examples/yaml/), the Python one (examples/python/) and the Go one (examples/go/), copied to a
// temporary folder and set up as a user of that language does (Python: a virtualenv with the wheel; Go: go.mod
// pointed at this checkout's sdk/go), then `pulumi install` fetches the plugin from a local server standing in for
// the release page, which serves this checkout's build (npm run release).

const PORT = 8787;
const STACK = "emulator";

function ensurePulumi(): string {
    const ensure = path.join(REPO_ROOT, "tools", "pulumi-cli", "ensure.sh");
    return execFileSync("bash", [ensure], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop()!;
}

/** Runs the CLI without blocking: the emulator answers from this same process. */
function pulumi(project: string, binDir: string, env: NodeJS.ProcessEnv, args: string[], quiet = false): Promise<string> {
    const child = spawn(path.join(binDir, "pulumi"), [...args, "--stack", STACK, "--non-interactive"], {
        cwd: project,
        env: { ...process.env, ...env, PATH: `${binDir}${path.delimiter}${process.env.PATH}` },
        stdio: ["ignore", quiet ? "pipe" : "inherit", "inherit"],
    });
    let stdout = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    return new Promise((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`pulumi ${args.join(" ")} failed (exit ${code})`))));
    });
}

async function waitForJobs(emulator: Emulator, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const finished = () => emulator.world.jobs.every((job) => emulator.world.view(job).finished_at !== null);
    while (!finished()) {
        if (Date.now() > deadline) throw new Error("the extractions did not finish in time");
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ");
    return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

/** A copy of examples/<language>/, set up as its README section says, with the plugin installed from the release page. */
function pluginExample(language: PluginExample, binDir: string, release: ReleasePage, env: NodeJS.ProcessEnv): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${language}-example-`));
    console.log(`Setting up the ${language} project, then pulumi install (the plugin from ${release.url})...`);
    pluginExampleProject(language, dir);
    execFileSync(path.join(binDir, "pulumi"), ["install", "--non-interactive"], {
        cwd: dir,
        env: { ...process.env, ...env, ...release.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}` },
        stdio: ["ignore", "ignore", "inherit"],
    });
    return dir;
}

async function main(): Promise<void> {
    const language = (["yaml", "python", "go"] as const).find((name) => process.argv.includes(`--${name}`));
    const binDir = ensurePulumi();
    execFileSync("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, stdio: "inherit" });

    const emulator = await startEmulator({ port: PORT, speed: 20 }).catch((err) => {
        throw new Error(`cannot start the emulator on 127.0.0.1:${PORT} (${err.message}); is \`npm run emulator\` already running?`);
    });
    const release = language ? await releasePage([await pluginTarball()]) : undefined;
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-demo-state-"));
    const env = {
        PULUMI_BACKEND_URL: `file://${backend}`,
        PULUMI_CONFIG_PASSPHRASE: "timbal-demo",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        TIMBAL_API_KEY: emulator.apiKey,
        // A plugin language's demo installs this checkout's build as the plugin's version: into a PULUMI_HOME of its
        // own, never over a release in yours.
        ...(release ? { ...release.env, PULUMI_HOME: fs.mkdtempSync(path.join(os.tmpdir(), "timbal-demo-pulumi-home-")) } : {}),
    };
    try {
        const project = language && release ? pluginExample(language, binDir, release, env) : copyExampleProject([`Pulumi.${STACK}.yaml`]);
        console.log(`Emulator on ${emulator.url}; the example project runs from ${project}, state in ${backend}\n`);
        await pulumi(project, binDir, env, ["stack", "init"], true);
        await pulumi(project, binDir, env, ["up", "--yes"]);
        console.log("\nWaiting for the extractions to finish...");
        await waitForJobs(emulator, 120_000);
        await pulumi(project, binDir, env, ["refresh", "--yes", "--skip-preview"], true);

        const exported = JSON.parse(await pulumi(project, binDir, env, ["stack", "export"], true));
        const jobs = exported.deployment.resources.filter((r: { type: string; outputs: Record<string, unknown> }) => isConnectorJob(r.type, r.outputs));
        const rows = [["resource", "job id", "source → KB table", "mode", "state", "rows", "rows/s", "duration"]];
        for (const job of jobs) {
            const o = job.outputs;
            rows.push([
                job.urn.split("::").pop(),
                job.id,
                `${o.source.table} → ${o.kbId}/${o.destTable}`,
                o.mode,
                o.state,
                o.rowsEmitted === undefined ? "-" : formatCount(o.rowsEmitted),
                o.rowsPerSec === undefined ? "-" : formatCount(o.rowsPerSec),
                o.durationMs === undefined ? "-" : formatSeconds(o.durationMs),
            ]);
        }
        console.log(`\nJobs after \`pulumi refresh\` (emulated time, speed x20):\n\n${table(rows)}\n`);
    } finally {
        await emulator.stop();
        await release?.stop();
    }
}

main().catch((err) => {
    console.error(`demo: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
});
