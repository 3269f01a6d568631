import { spawn, type ChildProcess } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { PulumiCli } from "./pulumi-cli";
import { recordArtifact } from "./secret-guard";

// Interrupting the real Pulumi CLI the ways users and CI runners do: SIGINT to the CLI (a terminal's Ctrl-C reaches
// the CLI only: plugins run in process groups of their own), and SIGKILL of the CLI's process group (a runner's
// timeout). Every process started for the run carries a marker in its environment, so that what outlives the CLI
// can be found and measured afterwards.

export interface RunningCli {
    child: ChildProcess;
    /** The marker in the environment of every process of this run. */
    mark: string;
    output(): string;
    exited: Promise<number | null>;
    /** Resolves once the output matches (rejects after timeoutMs). */
    waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
    interrupt(): void;
    killGroup(): void;
}

export function startCli(cli: PulumiCli, args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
    const mark = `timbal-run-${randomBytes(6).toString("hex")}`;
    const child = spawn(path.join(cli.binDir, "pulumi"), cli.argv(args), {
        cwd: cli.projectDir,
        env: { ...cli.environment(env), TIMBAL_TEST_RUN_MARK: mark },
        detached: true, // its own process group, as a shell gives a command
        stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
    void exited.then(() => recordArtifact(`pulumi ${args.join(" ")} (interrupted)`, output));
    return {
        child,
        mark,
        output: () => output,
        exited,
        async waitFor(pattern, timeoutMs = 120_000) {
            const deadline = Date.now() + timeoutMs;
            while (!pattern.test(output)) {
                if (Date.now() > deadline) throw new Error(`pulumi did not print ${pattern} within ${timeoutMs} ms:\n${output}`);
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        },
        interrupt: () => child.kill("SIGINT"),
        killGroup: () => killProcess(-child.pid!),
    };
}

/**
 * SIGKILL to a process (a negative pid: a process group) that may have ended meanwhile: a process listed a moment
 * ago can exit before the signal reaches it, and that is what the caller wanted anyway.
 */
export function killProcess(pid: number): void {
    try {
        process.kill(pid, "SIGKILL");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
}

/** Kills every process of a run that is still there (see processesMarked). */
export function killMarked(mark: string): void {
    for (const pid of processesMarked(mark).keys()) killProcess(pid);
}

function readText(file: string): string {
    try {
        return fs.readFileSync(file, "latin1");
    } catch {
        return "";
    }
}

/** Processes (pid → CPU ticks used) whose environment carries the marker. */
export function processesMarked(mark: string): Map<number, number> {
    const found = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            if (!fs.readFileSync(`/proc/${entry}/environ`, "latin1").includes(`TIMBAL_TEST_RUN_MARK=${mark}`)) continue;
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            if (fields[0] === "Z") continue; // exited, not yet reaped
            found.set(Number(entry), Number(fields[11]) + Number(fields[12]));
        } catch {
            // gone meanwhile
        }
    }
    return found;
}

/** Each process's command line and CPU ticks, for a failure message. */
export function describeProcesses(pids: number[]): string {
    return pids
        .map((pid) => {
            const stat = readText(`/proc/${pid}/stat`);
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            return `${pid} ${readText(`/proc/${pid}/cmdline`).split("\0").join(" ").slice(0, 160)} [state ${fields[0]}, ${Number(fields[11]) + Number(fields[12])} ticks]`;
        })
        .join("; ");
}

export interface Aftermath {
    /** Processes of the run still alive at the end of the watch. */
    survivors: number[];
    /**
     * Of those, Pulumi's own provider hosts that never loaded this package (the engine was gone before it called them):
     * idle, and out of this provider's reach.
     */
    idleUncalledHosts: number[];
    /**
     * Of those, Pulumi's Node.js, YAML or Python language host (upstream): after a killed CLI it lives until its health check,
     * which pings the engine every 5 minutes, finds it gone. Idle, with no program under it; out of this provider's reach.
     */
    idleLanguageHosts: number[];
    /** CPU seconds the run's processes used during the watch. */
    cpuSeconds: number;
    /** Seconds until the last of them was gone (the watch's length when some survived). */
    goneAfterSeconds: number;
}

/** CPU ticks (1/100 s) a process may use over the 3-second look and still count as idle. */
const IDLE_TICKS = 3;

/** Watches a run's processes for up to `seconds` after its CLI was killed: who survives, and what they burn. */
export async function watchAftermath(mark: string, seconds: number): Promise<Aftermath> {
    const started = Date.now();
    const first = processesMarked(mark);
    const last = new Map(first);
    let alive = first;
    while (alive.size > 0 && Date.now() - started < seconds * 1000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        alive = processesMarked(mark);
        for (const [pid, ticks] of alive) last.set(pid, ticks);
    }
    let ticks = 0;
    for (const [pid, used] of last) ticks += used - (first.get(pid) ?? used);
    const survivors = [...alive.keys()];
    // A provider host that had loaded this package ends itself within seconds (engine-watch.ts). A Pulumi host still
    // there, and quiet over a further few seconds (it may have been starting up, slowly, when the CLI died), never
    // loaded it: the engine was gone before it called it.
    const named = (pattern: RegExp) => survivors.filter((pid) => pattern.test(readText(`/proc/${pid}/cmdline`)));
    const hosts = named(/dynamic-provider|pulumi-resource-pulumi-nodejs/);
    const languageHosts = named(/pulumi-language-(nodejs|yaml|python)/);
    let idle: (pids: number[]) => number[] = () => [];
    if (hosts.length + languageHosts.length > 0) {
        const before = processesMarked(mark);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        const after = processesMarked(mark);
        // Idle: under 1% of a core (a Go process's gRPC reconnect backoff to the dead engine costs a tick now and then).
        idle = (pids) => pids.filter((pid) => after.has(pid) && after.get(pid)! - before.get(pid)! <= IDLE_TICKS);
    }
    return {
        survivors,
        idleUncalledHosts: idle(hosts),
        idleLanguageHosts: idle(languageHosts),
        cpuSeconds: ticks / 100,
        goneAfterSeconds: (Date.now() - started) / 1000,
    };
}
