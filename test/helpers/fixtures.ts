import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import { registerSecret } from "./secret-guard";

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
