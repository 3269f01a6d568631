import { createHash, randomBytes } from "crypto";

// The emulated Timbal: orgs with connectors and KBs, and jobs whose progress is computed from an emulated clock
// rather than timers, so that any speed factor gives consistent timestamps, rows and rates.

export interface ConnectorSeed {
    id: string;
    /** e.g. `source:postgres`, `source:sql_server`, `kb:local`. */
    capabilities: string[];
}

export interface KbSeed {
    id: number;
    uid: string;
}

export interface OrgSeed {
    id: string;
    connectors: ConnectorSeed[];
    kbs: KbSeed[];
}

export interface WorldSeed {
    orgs: OrgSeed[];
    /** Rows in each source table, by table name; other tables get a stable size derived from their name. */
    tableRows?: Record<string, number>;
}

/** Where emulated time comes from: the machine's clock, or a test's (the one the providers under test run on). */
export interface EmulatorClock {
    now(): number;
}

const MACHINE_CLOCK: EmulatorClock = { now: () => Date.now() };

export interface LifecycleOptions {
    /** Emulated milliseconds per real millisecond (default 1). */
    speed?: number;
    /** Emulated time a job waits in the queue before it starts (default 1500 ms). */
    queueMs?: number;
    /** Rows per second a job extracts when nothing throttles it (default 2000). */
    rowsPerSec?: number;
    /** Jobs whose source table or dest table is named here fail halfway. */
    failTables?: string[];
    /** Share of other jobs that fail (0..1), decided per job from its id (default 0). */
    failureRate?: number;
}

export interface DispatchedJob {
    id: string;
    orgId: string;
    connectorId: string;
    kbUid: string;
    destTable: string;
    sourceTable: string;
    mode: string;
    createdAt: number;
    totalRows: number;
    /** Effective extraction rate after pacing, rows per emulated second. */
    rate: number;
    /** Rows after which the job fails, or undefined when it succeeds. */
    failAtRows?: number;
    body: Record<string, unknown>;
}

/** The API's JobView (snake_case), as the list endpoint returns it. */
export interface JobView {
    id: string;
    connector_id: string;
    kb_uid: string;
    dest_table: string;
    mode: string;
    state: string;
    rows_emitted: number;
    created_at: string;
    updated_at: string;
    started_at: string | null;
    finished_at: string | null;
    duration_ms: number | null;
    rows_per_sec: number | null;
    message: string | null;
    sync_id: string | null;
}

export interface DispatchInput {
    kbId: number;
    destTable: string;
    sourceKind: string;
    sourceTable: string;
    mode: string;
    placement: string;
    batchRows: number;
    batchDelayMs: number;
    maxRowsPerSec: number;
    body: Record<string, unknown>;
}

export type DispatchOutcome =
    | { ok: true; job: DispatchedJob }
    | { ok: false; status: 404 | 422; message: string };

function stableFraction(text: string): number {
    return createHash("sha256").update(text).digest().readUInt32BE(0) / 0x1_0000_0000;
}

export class World {
    readonly jobs: DispatchedJob[] = [];
    private readonly start: number;
    private offsetMs = 0;

    constructor(
        readonly seed: WorldSeed,
        private readonly lifecycle: Required<LifecycleOptions>,
        private readonly clock: EmulatorClock = MACHINE_CLOCK,
    ) {
        this.start = clock.now();
    }

    /** Emulated now, in epoch milliseconds: the clock's time since the world began, at `speed`. */
    now(): number {
        return this.start + (this.clock.now() - this.start) * this.lifecycle.speed + this.offsetMs;
    }

    /** Moves the emulated clock forward, for tests that want a job finished without waiting. */
    advance(ms: number): void {
        this.offsetMs += ms;
    }

    org(orgId: string): OrgSeed | undefined {
        return this.seed.orgs.find((org) => org.id === orgId);
    }

    dispatch(orgId: string, connectorId: string, input: DispatchInput): DispatchOutcome {
        const org = this.org(orgId)!;
        const connector = org.connectors.find((c) => c.id === connectorId);
        if (!connector) return { ok: false, status: 404, message: `connector ${connectorId} not found in org ${orgId}` };
        const kb = org.kbs.find((k) => k.id === input.kbId);
        if (!kb) return { ok: false, status: 404, message: `kb ${input.kbId} not found in org ${orgId}` };
        if (!connector.capabilities.includes(`source:${input.sourceKind}`)) {
            return {
                ok: false,
                status: 422,
                message: `connector ${connectorId} does not advertise source:${input.sourceKind} (it has ${connector.capabilities.join(", ")})`,
            };
        }
        if (input.placement === "local" && !connector.capabilities.includes("kb:local")) {
            return { ok: false, status: 422, message: `placement local needs the kb:local capability, which connector ${connectorId} does not advertise` };
        }
        const id = `job_${randomBytes(8).toString("hex")}`;
        const totalRows = this.rowsFor(input.sourceTable);
        const cap = input.maxRowsPerSec > 0 ? Math.min(this.lifecycle.rowsPerSec, input.maxRowsPerSec) : this.lifecycle.rowsPerSec;
        const batch = input.batchRows > 0 ? input.batchRows : 5000;
        // A batch takes batch/cap seconds plus the configured pause after it.
        const rate = batch / (batch / cap + input.batchDelayMs / 1000);
        const fails =
            this.lifecycle.failTables.includes(input.sourceTable) ||
            this.lifecycle.failTables.includes(input.destTable) ||
            stableFraction(`fail:${id}`) < this.lifecycle.failureRate;
        const job: DispatchedJob = {
            id,
            orgId,
            connectorId,
            kbUid: kb.uid,
            destTable: input.destTable,
            sourceTable: input.sourceTable,
            mode: input.mode,
            createdAt: this.now(),
            totalRows,
            rate,
            failAtRows: fails ? Math.floor(totalRows / 2) : undefined,
            body: input.body,
        };
        this.jobs.push(job);
        return { ok: true, job };
    }

    rowsFor(table: string): number {
        return this.seed.tableRows?.[table] ?? 2000 + Math.floor(stableFraction(`rows:${table}`) * 18000);
    }

    /** The job as the list endpoint shows it at the current emulated time. */
    view(job: DispatchedJob): JobView {
        const now = this.now();
        const startedAt = job.createdAt + this.lifecycle.queueMs;
        const stopRows = job.failAtRows ?? job.totalRows;
        const finishedAt = startedAt + (stopRows / job.rate) * 1000;
        const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
        const base = {
            id: job.id,
            connector_id: job.connectorId,
            kb_uid: job.kbUid,
            dest_table: job.destTable,
            mode: job.mode,
            created_at: iso(job.createdAt),
            message: null,
            sync_id: null,
        };
        if (now < startedAt) {
            return {
                ...base,
                state: "queued",
                rows_emitted: 0,
                updated_at: iso(job.createdAt),
                started_at: null,
                finished_at: null,
                duration_ms: null,
                rows_per_sec: null,
            };
        }
        const done = now >= finishedAt;
        const until = done ? finishedAt : now;
        const durationMs = Math.ceil(until - startedAt);
        const rows = done ? stopRows : Math.min(stopRows, Math.floor((job.rate * (until - startedAt)) / 1000));
        const failed = done && job.failAtRows !== undefined;
        return {
            ...base,
            state: done ? (failed ? "failed" : "succeeded") : "running",
            rows_emitted: rows,
            updated_at: iso(until),
            started_at: iso(startedAt),
            finished_at: done ? iso(finishedAt) : null,
            duration_ms: durationMs,
            // Rounded down, so that a paced job never reports more than its cap.
            rows_per_sec: durationMs >= 1000 ? Math.floor((rows / durationMs) * 1000 * 10) / 10 : null,
            message: failed ? `extraction of ${job.sourceTable} failed after ${rows} rows: source query was cancelled by the server` : null,
        };
    }

    /** Jobs of an org, newest first, optionally of one connector. */
    list(orgId: string, connectorId?: string): JobView[] {
        return this.jobs
            .filter((job) => job.orgId === orgId && (connectorId === undefined || job.connectorId === connectorId))
            .reverse()
            .map((job) => this.view(job));
    }
}
