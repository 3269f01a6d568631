import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import type { Clock } from "../provider/support/clock";
import type { RetryPolicy } from "../provider/api/retry";
import { createCompletionProvider } from "../provider/lifecycle/completion-lifecycle";
import { createConnectorJobProvider } from "../provider/lifecycle/connector-job-lifecycle";
import { createSession } from "../provider/lifecycle/session";
import { completionInputsOf } from "../provider/fields/completion-fields";
import type { ConnectorJobInputs } from "../provider/fields/connector-job-fields";
import { recordArtifact, registerSecret } from "./secret-guard";

// Shared fixtures: an emulator whose key the leak guard knows, and inputs for a typical extraction.

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const started = await startEmulator({ speed: 1, ...options });
    registerSecret(started.apiKey);
    return started;
}

export const ORG = "acme-dev";

/** Program-side inputs of a typical Postgres extraction, as the engine hands them to check. */
export function ordersInputs(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: "orders",
        source: { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "updated_at" },
        ...overrides,
    };
}

/** An empty home folder, so that a developer's own ~/.timbal never leaks into a test. */
export function emptyHome(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "timbal-home-"));
}

/** Requests of one method seen by the emulator. */
export function count(emu: Emulator, method: "GET" | "POST"): number {
    return emu.requests.filter((r) => r.method === method).length;
}

/** The environment that points the provider at an emulator, in the default org. */
export function emulatorEnv(emu: Emulator): NodeJS.ProcessEnv {
    return { TIMBAL_API_KEY: emu.apiKey, TIMBAL_BASE_URL: emu.url, TIMBAL_ORG_ID: ORG };
}

export interface InProcessOptions {
    /** Stack config, as configure receives it. */
    config?: Record<string, string>;
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    /** How long a lost dispatch answer is looked for in the job list. */
    reconcileForMs?: number;
    /** Where the dispatch journal lives (default: in memory only). */
    journalDir?: string;
    /**
     * The providers' time: their poll pauses, retry pauses and deadlines (default: the system clock). A test gives a
     * VirtualClock (harness/virtual-clock.ts), the same one to the emulator (its `clock` option), and drives it with
     * runOverIo.
     */
    clock?: Clock;
}

/** A provider as the engine sees it: its methods take and return property bags, whatever their own types say. */
export type EngineView = Required<dynamic.ResourceProvider>;

/**
 * The providers' methods in this process, as one provider host has them (`p` dispatches, `c` waits; one session),
 * with their log lines captured (and checked for leaks). Job lists are never shared between calls: tests move the
 * emulator's clock between them, and a refresh must not reuse the create's list.
 */
export function inProcessProvider(env: NodeJS.ProcessEnv, options: InProcessOptions = {}) {
    const lines: string[] = [];
    const config = options.config ?? {};
    const session = createSession({
        env,
        homeDir: emptyHome(),
        timeoutMs: options.timeoutMs,
        retry: options.retry,
        reconcileForMs: options.reconcileForMs,
        journalDir: options.journalDir,
        clock: options.clock,
        jobLists: { windowMs: 0 },
        log: { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) },
    });
    // As the engine calls them: with property bags.
    const p: EngineView = createConnectorJobProvider({ session });
    const c: EngineView = createCompletionProvider(session);
    void p.configure({ config: { get: (key: string) => config[key], require: (key: string) => config[key] } } as never);
    recordArtifact("provider log", lines);
    return { p, c, lines };
}

/** The completion's inputs, as ConnectorJob passes them from a created job's outputs. */
export function completionInputs(job: { id: string; outs?: Record<string, any> }, waitForCompletion: unknown): Record<string, unknown> {
    // The outputs of a created job hold every input (they may be absent in a test that made them up: undefined).
    return completionInputsOf(job.id, (job.outs ?? {}) as ConnectorJobInputs, waitForCompletion);
}

/** Runs `use` with a started server (an emulator, a scripted server) and stops the server however `use` ends. */
export async function whileRunning<T extends { stop(): Promise<unknown> }, R>(starting: Promise<T>, use: (running: T) => Promise<R>): Promise<R> {
    const running = await starting;
    try {
        return await use(running);
    } finally {
        await running.stop();
    }
}

/** Retries kept short, for servers that always fail. */
export const QUICK_RETRY: Partial<RetryPolicy> = { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 };

/** Pulumi's placeholder for a value not known yet in a preview, taken from the SDK (the provider keeps its own copy). */
export { unknownValue as UNKNOWN } from "@pulumi/pulumi/runtime/rpc";

/**
 * The error a promise rejects with, of the given type, for a test to inspect (assert.rejects only matches it); it is
 * recorded for the leak guard. Fails when the promise resolves.
 */
export async function rejectionOf<E extends Error = Error>(promise: Promise<unknown>, type?: abstract new (...args: never[]) => E): Promise<E> {
    let outcome: { error: unknown } | undefined;
    try {
        await promise;
    } catch (error) {
        outcome = { error };
    }
    if (!outcome) return assert.fail("expected a failure");
    recordArtifact("error", outcome.error);
    const Expected = type ?? Error;
    assert.ok(outcome.error instanceof Expected, `expected a ${Expected.name}, got: ${String(outcome.error)}`);
    return outcome.error as E;
}
