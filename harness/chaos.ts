import { emulatorStack } from "./cli-stack";
import { emulator } from "./fixtures";
import { describeProcesses, killMarked, startCli, watchAftermath, type Aftermath } from "./interrupt";
import { newProjectFolder, pythonProject, typescriptProject, yamlProject } from "./language-projects";
import { pulumiBinDir, type LanguageHost, type PulumiCli } from "./pulumi-cli";
import { extractedPlugin } from "./release-artifacts";

// `npm run chaos`: `pulumi up` interrupted at a random moment, again and again, with the real CLI against the
// emulator; each time one of: one Ctrl-C (SIGINT to the CLI), two Ctrl-C, or SIGKILL of the CLI's process group (a CI
// runner's timeout, or a runner lost). Then what a user does: `pulumi cancel --yes` where the stack is locked, and
// `pulumi up --yes`, on the same machine or on a fresh runner (a fresh copy of the project, a new PULUMI_HOME and
// HOME: no dispatch journal; only the backend is shared).
// What must hold: exactly one job per resource, every resource with its job, no process of the run left behind.
// The `rerun` scenario interrupts a run policy's re-dispatch instead: each stack is first deployed in full, its jobs
// finished 30 hours ago on the emulator's clock, and `pulumi up --refresh` (which re-dispatches all three under
// `rerunAfter: "24h"`) is interrupted within 2 s of its first new dispatch; then two jobs per resource must exist, the
// newer one recorded. `runChaos` is also what the smaller run in `npm test` uses.

const PROGRAM = (policy: string) => `import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const run = new pulumi.Config().require("run");
// Two extractions that wait (about five minutes each unless the emulator's clock moves) and one that does not.
for (const [name, wait] of [["orders", true], ["customers", true], ["ledger", false]] as const) {
    new ConnectorJob(name, {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: name + "_" + run,
        mode: "append",
        source: { kind: "postgres", connectionRef: "warehouse", table: "order_items", cursorColumn: "id" },
        pacing: { maxRowsPerSec: 200 },
        waitForCompletion: wait ? { timeoutSeconds: 900, pollIntervalSeconds: 0.5 } : undefined,${policy}
    });
}
`;
/** The same extractions in Pulumi YAML (after the project's head), on the timbal provider plugin. */
const YAML_PROGRAM = (policy: string) => `config:
  run:
    type: string
resources:
${[
    ["orders", true],
    ["customers", true],
    ["ledger", false],
]
    .map(
        ([name, wait]) => `  ${name}:
    type: timbal:index:ConnectorJob
    properties:
      connectorId: warehouse-pg
      kbId: 101
      destTable: ${name}_\${run}
      mode: append
      source: { kind: postgres, connectionRef: warehouse, table: order_items, cursorColumn: id }
      pacing: { maxRowsPerSec: 200 }
${wait ? "      waitForCompletion: { timeoutSeconds: 900, pollIntervalSeconds: 0.5 }\n" : ""}${policy ? `      ${policy.trim()}\n` : ""}`,
    )
    .join("")}`;
/** The same extractions in Python, on the plugin and the Python SDK (pulumi_timbal, pip-installed from sdk/python). */
const PYTHON_PROGRAM = (policy: string) => `import pulumi
import pulumi_timbal as timbal

run = pulumi.Config().require("run")
for name, wait in [("orders", True), ("customers", True), ("ledger", False)]:
    timbal.ConnectorJob(
        name,
        connector_id="warehouse-pg",
        kb_id=101,
        dest_table=f"{name}_{run}",
        mode="append",
        source={"kind": "postgres", "connection_ref": "warehouse", "table": "order_items", "cursor_column": "id"},
        pacing={"max_rows_per_sec": 200},
        wait_for_completion={"timeout_seconds": 900, "poll_interval_seconds": 0.5} if wait else None,${policy ? `\n        rerun_after="24h",` : ""}
    )
`;
const RESOURCES = ["orders", "customers", "ledger"];
/** The programs chaos runs: TypeScript on the dynamic provider, YAML and Python on the provider plugin. */
export const LANGUAGES = ["typescript", "yaml", "python"] as const;
export type Language = (typeof LANGUAGES)[number];
/** Where the `up` after an interruption runs: the machine that was interrupted, or a fresh runner. */
export const RECOVERIES = ["same machine", "fresh runner"] as const;
export type Recovery = (typeof RECOVERIES)[number];
/** The language hosts each program needs beside `pulumi`. */
export const HOSTS: Record<Language, LanguageHost[]> = { typescript: ["nodejs"], yaml: ["yaml"], python: ["python"] };

/**
 * A copy of the project chaos runs in `language` (with `policy`): the checkout's package, built, and for YAML and
 * Python the released plugin in `plugin`, named in Pulumi.yaml (a fresh runner has no plugin cache to find it in).
 */
function chaosProject(language: Language, policy: string, plugin: string): string {
    if (language === "yaml") return yamlProject(newProjectFolder("chaos"), "chaos", YAML_PROGRAM(policy.replace('"24h",', "24h")), { pluginPath: plugin });
    if (language === "python") return pythonProject(newProjectFolder("chaos"), "chaos", PYTHON_PROGRAM(policy), { pluginPath: plugin });
    return typescriptProject("chaos", PROGRAM(policy));
}
export const INTERRUPTIONS = ["one Ctrl-C", "two Ctrl-C", "SIGKILL of the process group"] as const;
/** What is interrupted: a stack's first deployment, or a run policy's re-dispatch of a deployed stack. */
export const SCENARIOS = ["first", "rerun"] as const;
export type Scenario = (typeof SCENARIOS)[number];
const HOUR = 3_600_000;

export interface ChaosRun {
    run: number;
    language: Language;
    scenario: Scenario;
    interruption: (typeof INTERRUPTIONS)[number];
    recovery: Recovery;
    /** Seconds after `pulumi up` started. */
    at: number;
    /** What the run had done by then: dispatches seen, and whether it was waiting. */
    progress: string;
    /** Seconds from the first signal to the CLI's exit. */
    exitAfter: number;
    /** Processes of the interrupted run alive 10 s after its CLI was gone, other than idle uncalled hosts (must be 0). */
    survivors: number;
    /**
     * Pulumi's provider host (and its shell) started just before the CLI died, never called: this package's code never
     * ran there, so it cannot end it. Idle, no CPU. Reported, not counted as a failure.
     */
    idleUncalledHosts: number;
    /**
     * Pulumi's Node.js language host after a SIGKILL of the CLI: it ends at its next health check (every 5 minutes).
     * Idle, no CPU. Reported, not counted as a failure.
     */
    idleLanguageHosts: number;
    /** Jobs in Timbal for each resource after recovery (must all be 1; 2 in the rerun scenario). */
    jobsPerResource: number[];
    /** Resources whose recorded id is not their one job (must be 0). */
    resourcesWithoutJob: number;
    /** Whether the recovering `pulumi up` succeeded. */
    recovered: boolean;
    notes: string;
}

/** A small seeded generator, so that a chaos run can be repeated. */
function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = Math.imul(state ^ (state >>> 15), state | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** Survivors that count against the run, and Pulumi's own idle processes that never ran this package's code. */
function counted(aftermath: Aftermath): { survivors: number; idleUncalledHosts: number; idleLanguageHosts: number; survivorNotes: string } {
    const idleUncalledHosts = aftermath.idleUncalledHosts.length;
    const idleLanguageHosts = aftermath.idleLanguageHosts.length;
    const idle = new Set([...aftermath.idleUncalledHosts, ...aftermath.idleLanguageHosts]);
    const counted = aftermath.survivors.filter((pid) => !idle.has(pid));
    return { survivors: counted.length, idleUncalledHosts, idleLanguageHosts, survivorNotes: counted.length > 0 ? `left: ${describeProcesses(counted)}` : "" };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChaosOptions {
    runs: number;
    seed?: number;
    /** Interrupt between 2 s and this long after `pulumi up` starts (default 14). */
    maxDelaySeconds?: number;
    /** Each run's interruption in turn (default: one at random per run). */
    interruptions?: ReadonlyArray<(typeof INTERRUPTIONS)[number]>;
    /** The program interrupted (default: TypeScript). */
    language?: Language;
    /** Where each run recovers, in turn (default: the same machine and a fresh runner, alternately). */
    recoveries?: ReadonlyArray<Recovery>;
    /** What is interrupted (default: the first deployment). */
    scenario?: Scenario;
    log?: (line: string) => void;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosRun[]> {
    const language = options.language ?? "typescript";
    const scenario = options.scenario ?? "first";
    const policy = scenario === "rerun" ? `\n        rerunAfter: "24h",` : "";
    const expectedJobs = scenario === "rerun" ? 2 : 1;
    const binDir = pulumiBinDir(HOSTS[language]);
    if (!binDir) throw new Error(`no Pulumi CLI with the ${language} language host found (run tools/pulumi-cli/ensure.sh, or put pulumi on PATH)`);
    const next = random(options.seed ?? 11);
    const emu = await emulator();
    const plugin = await extractedPlugin();
    const project = chaosProject(language, policy, plugin);
    const results: ChaosRun[] = [];
    try {
        for (let run = 1; run <= options.runs; run++) {
            const stack = `run${run}`;
            // The interrupted command as a user types it (`up` previews first); type-checking has no part in an interruption.
            const cli = await emulatorStack(project, binDir, emu, { stack, config: { "chaos:run": String(run) }, cli: { previewBeforeUp: true } });
            const pick = Math.floor(next() * INTERRUPTIONS.length);
            const interruption = options.interruptions ? options.interruptions[(run - 1) % options.interruptions.length] : INTERRUPTIONS[pick];
            const at = 2 + next() * ((options.maxDelaySeconds ?? 14) - 2);
            const recoveries = options.recoveries ?? RECOVERIES;
            const recovery = recoveries[(run - 1) % recoveries.length];
            const tables = RESOURCES.map((name) => `${name}_${run}`);
            const jobsOf = (table: string) => emu.world.jobs.filter((job) => job.destTable === table);

            const rerunDelay = Number((((at - 2) / ((options.maxDelaySeconds ?? 14) - 2)) * 2).toFixed(1));
            let command = ["up", "--yes", "--stack", stack];
            let interruptAfter = () => Promise.race([sleep(at * 1000), up.exited]);
            if (scenario === "rerun") {
                await deployedLongAgo(cli, stack);
                // The run policy's `up`: interrupted within 2 s of its first new dispatch (`at` is counted from there).
                command = ["up", "--refresh", "--yes", "--stack", stack];
                const before = emu.world.jobs.length;
                interruptAfter = async () => {
                    const deadline = Date.now() + 60_000;
                    while (emu.world.jobs.length === before && up.child.exitCode === null && Date.now() < deadline) await sleep(20);
                    await Promise.race([sleep(rerunDelay * 1000), up.exited]);
                };
            }
            const up = startCli(cli, command);
            await interruptAfter();
            const dispatched = tables.filter((table) => jobsOf(table).length >= expectedJobs).length;
            const progress = `${dispatched}/3 dispatched${/stops waiting/.test(up.output()) ? ", waiting" : ""}`;
            const signalledAt = Date.now();
            let survivors = 0;
            let idleUncalledHosts = 0;
            let idleLanguageHosts = 0;
            let exitAfter = 0;
            let notes = "";
            let survivorNotes = "";
            if (up.child.exitCode !== null) {
                notes = "finished before the interruption";
            } else if (interruption === "SIGKILL of the process group") {
                up.killGroup();
                await up.exited;
                exitAfter = (Date.now() - signalledAt) / 1000;
                ({ survivors, idleUncalledHosts, idleLanguageHosts, survivorNotes } = counted(await watchAftermath(up.mark, 10)));
            } else {
                up.interrupt();
                if (interruption === "two Ctrl-C") {
                    await Promise.race([up.waitFor(/\^C received/, 5000).catch(() => undefined), up.exited]);
                    up.interrupt();
                } else {
                    // The engine finishes the steps in flight after one Ctrl-C: let the waits end.
                    setTimeout(() => emu.world.advance(3600_000), 2000);
                }
                await up.exited;
                exitAfter = (Date.now() - signalledAt) / 1000;
                ({ survivors, idleUncalledHosts, idleLanguageHosts, survivorNotes } = counted(await watchAftermath(up.mark, 10)));
            }
            killMarked(up.mark); // what a user would do: nothing else ends them

            // What a user does next, where the next run happens. Meanwhile the emulator's clock runs fast, so that
            // every wait ends.
            const recovering = recovery === "fresh runner" ? cli.onFreshRunner(chaosProject(language, policy, plugin)) : cli;
            const fastClock = setInterval(() => emu.world.advance(600_000), 500);
            let recovered = await recovering.run(command);
            if (recovered.code !== 0 && /pulumi cancel/.test(recovered.output)) {
                await recovering.ok(["cancel", "--yes", "--stack", stack]);
                recovered = await recovering.run(command);
            }
            clearInterval(fastClock);
            const exported = JSON.parse((await cli.ok(["stack", "export", "--stack", stack])).stdout).deployment.resources ?? [];
            const recorded = (name: string) => exported.find((r: any) => !r.delete && r.urn.endsWith(`ConnectorJob::${name}`))?.id;
            const jobsPerResource = tables.map((table) => jobsOf(table).length);
            const resourcesWithoutJob = RESOURCES.filter((name, i) => {
                const jobs = jobsOf(tables[i]);
                return jobs.length !== expectedJobs || recorded(name) !== jobs.at(-1)!.id;
            }).length;
            if (recovered.code !== 0) notes = `${notes}${notes ? "; " : ""}recovery failed: ${recovered.output.slice(-300)}`;
            if (survivorNotes) notes = `${notes}${notes ? "; " : ""}${survivorNotes}`;
            const result: ChaosRun = {
                run,
                language,
                scenario,
                interruption,
                recovery,
                at: scenario === "rerun" ? rerunDelay : Number(at.toFixed(1)),
                progress,
                exitAfter: Number(exitAfter.toFixed(1)),
                survivors,
                idleUncalledHosts,
                idleLanguageHosts,
                jobsPerResource,
                resourcesWithoutJob,
                recovered: recovered.code === 0,
                notes,
            };
            options.log?.(formatRow(result));
            results.push(result);

        }
    } finally {
        await emu.stop();
    }
    return results;

    /** The stack deployed in full, its jobs finished 30 hours ago on the emulator's clock, which is then set to now. */
    async function deployedLongAgo(cli: PulumiCli, stack: string): Promise<void> {
        emu.world.advance(Date.now() - 30 * HOUR - emu.world.now());
        const fastClock = setInterval(() => emu.world.advance(600_000), 500);
        try {
            await cli.ok(["up", "--yes", "--stack", stack]);
        } finally {
            clearInterval(fastClock);
        }
        emu.world.advance(Date.now() - emu.world.now());
    }
}

export const HEADER =
    "| run | program | scenario | interruption | recovered on | at (s; rerun: after its first new dispatch) | by then | first signal to exit (s) | processes left after 10 s | idle uncalled Pulumi hosts | idle Pulumi language hosts | jobs per resource | resources without their job | recovered | notes |\n" +
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

export function formatRow(r: ChaosRun): string {
    return `| ${r.run} | ${r.language} | ${r.scenario} | ${r.interruption} | ${r.recovery} | ${r.at} | ${r.progress} | ${r.exitAfter} | ${r.survivors} | ${r.idleUncalledHosts} | ${r.idleLanguageHosts} | ${r.jobsPerResource.join(", ")} | ${r.resourcesWithoutJob} | ${r.recovered ? "yes" : "NO"} | ${r.notes} |`;
}

/** True when every run kept the promise: one job per resource (two after a re-dispatch), each recorded, nothing left running. */
export function allHeld(results: ChaosRun[]): boolean {
    const expected = (r: ChaosRun) => (r.scenario === "rerun" ? 2 : 1);
    return results.every((r) => r.recovered && r.survivors === 0 && r.resourcesWithoutJob === 0 && r.jobsPerResource.every((n) => n === expected(r)));
}
