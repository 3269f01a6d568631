import { randomBytes } from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";
import { createHandler, type RequestRecord } from "./routes";
import { FaultInjector, type FaultOptions } from "./faults";
import defaultSeed from "./seed.json";
import { readSeedFile } from "./seed";
import { World, type EmulatorClock, type LifecycleOptions, type WorldSeed } from "./world";

export type { RequestRecord } from "./routes";
export { FAULT_KINDS, type FaultKind, type FaultOptions } from "./faults";
export type { JobView, WorldSeed, DispatchedJob, EmulatorClock } from "./world";

/** The default world: two orgs, connectors for each source kind, a few KBs. */
export const DEFAULT_SEED: WorldSeed = defaultSeed;

export interface EmulatorOptions extends LifecycleOptions {
    /** Port on 127.0.0.1 (default: any free port). */
    port?: number;
    /** The world, or a path to a JSON file holding it (default: DEFAULT_SEED). */
    seed?: WorldSeed | string;
    /** The key with access to every org (default: a fresh random key). */
    apiKey?: string;
    /** More keys, each limited to the orgs listed. */
    keys?: Record<string, string[]>;
    /** Added before every response, in real milliseconds. */
    latencyMs?: number;
    /** Faults injected at a rate (see faults.ts); change them later with setFaults. */
    faults?: FaultOptions;
    /** Echo request headers (the Authorization header included) into error messages. */
    echoRequestHeaders?: boolean;
    /**
     * The clock emulated time runs on, at `speed` (default: the machine's). A test gives the virtual clock its
     * providers run on: one timeline for the polls and the jobs' progress, moved by the test alone.
     */
    clock?: EmulatorClock;
}

export interface Emulator {
    /** Base URL, e.g. http://127.0.0.1:41234 */
    url: string;
    apiKey: string;
    /** Every request received, in order. */
    requests: RequestRecord[];
    world: World;
    /** Changes the injected faults while running. */
    setFaults(faults: FaultOptions | undefined): void;
    stop(): Promise<void>;
}

export function loadSeed(seed: WorldSeed | string = DEFAULT_SEED): WorldSeed {
    return typeof seed === "string" ? readSeedFile(seed) : seed;
}

/** Starts a local Timbal connector-jobs API on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const seed = loadSeed(options.seed);
    const world = new World(
        seed,
        {
            speed: options.speed ?? 1,
            queueMs: options.queueMs ?? 1500,
            rowsPerSec: options.rowsPerSec ?? 2000,
            failTables: options.failTables ?? [],
            failureRate: options.failureRate ?? 0,
        },
        options.clock,
    );
    const apiKey = options.apiKey ?? `tmbl_emu_${randomBytes(16).toString("hex")}`;
    const keys = new Map<string, ReadonlySet<string>>([[apiKey, new Set(seed.orgs.map((org) => org.id))]]);
    for (const [key, orgs] of Object.entries(options.keys ?? {})) keys.set(key, new Set(orgs));

    const requests: RequestRecord[] = [];
    const faults = new FaultInjector();
    faults.configure(options.faults);
    const handler = createHandler(world, { orgsFor: (key) => keys.get(key) }, requests, {
        latencyMs: options.latencyMs ?? 0,
        faults,
        echoRequestHeaders: options.echoRequestHeaders ?? false,
    });
    const server = http.createServer((req, res) => {
        handler(req, res).catch((err) => {
            if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
            res.end(JSON.stringify({ error: "internal", message: String(err) }));
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        apiKey,
        requests,
        world,
        setFaults: (next) => faults.configure(next),
        stop: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
