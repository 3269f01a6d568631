import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import type { RetryPolicy } from "../../provider/retry";
import { createConnectorJobProvider } from "../../provider/runtime";
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
}

/**
 * The provider's methods in this process, with its log lines captured (and checked for leaks). Job lists are never
 * shared between calls: tests move the emulator's clock between them, and a refresh must not reuse the create's list.
 */
export function inProcessProvider(env: NodeJS.ProcessEnv, options: InProcessOptions = {}) {
    const lines: string[] = [];
    const config = options.config ?? {};
    const p = createConnectorJobProvider({
        env,
        homeDir: emptyHome(),
        timeoutMs: options.timeoutMs,
        retry: options.retry,
        jobLists: { windowMs: 0 },
        log: { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) },
    });
    void p.configure({ config: { get: (key: string) => config[key], require: (key: string) => config[key] } } as never);
    recordArtifact("provider log", lines);
    return { p, lines };
}
