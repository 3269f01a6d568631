import type { ProviderLog } from "../provider/support/log";
import { TimbalApiError, type TimbalApi } from "../provider/api/client";
import type { Clock } from "../provider/support/clock";
import { readJobs, type DispatchPath, type DispatchReq, type JobListing, type JobView } from "../provider/api/wire";

// A TimbalApi in memory, for the unit tests: the contract the provider's jobs service is written against, without
// HTTP. A test scripts what the next dispatches and list requests do, and reads what was asked of it.

/**
 * What the next dispatch does. `lost-after-create` creates the job, then loses the answer; `lost` creates nothing;
 * `late` creates the job at once and answers LATE_ANSWER_MS later.
 */
export type DispatchOutcome = "ok" | "late" | "lost-after-create" | "lost" | "rejected";

export const LATE_ANSWER_MS = 3000;

export class FakeTimbalApi implements TimbalApi {
    readonly baseUrl = "https://fake.timbal.test";
    /** Every job, as the list returns it (raw: a test may put an off-spec one in). */
    readonly jobs: Array<Record<string, unknown>> = [];
    readonly dispatches: Array<{ orgId: string; connectorId: string; request: DispatchReq }> = [];
    readonly listRequests: Array<{ orgId: string; connectorId?: string; at: number }> = [];
    /** Outcomes of the next dispatches, in order; `ok` once they run out. */
    readonly dispatchOutcomes: DispatchOutcome[] = [];
    /** Outcomes of the next list requests: `unavailable` fails one; `ok` once they run out. */
    readonly listOutcomes: Array<"ok" | "unavailable"> = [];
    private sequence = 0;

    constructor(private readonly clock: Clock) {}

    async dispatchJob({ org_id: orgId, connector_id: connectorId }: DispatchPath, request: DispatchReq): Promise<{ job_id: string }> {
        this.dispatches.push({ orgId, connectorId, request });
        const outcome = this.dispatchOutcomes.shift() ?? "ok";
        if (outcome === "rejected") throw new TimbalApiError("Timbal rejected the request (HTTP 422): no", "rejected", 422);
        if (outcome === "lost") throw new TimbalApiError("dispatch: the answer was lost (HTTP 502)", "ambiguous", 502);
        const id = this.addJob({ connector_id: connectorId, dest_table: request.dest_table, mode: request.mode ?? "create" });
        if (outcome === "lost-after-create") throw new TimbalApiError("dispatch: the answer was lost (HTTP 504)", "ambiguous", 504);
        if (outcome === "late") await this.clock.sleep(LATE_ANSWER_MS);
        return { job_id: id };
    }

    async listJobs(orgId: string, connectorId?: string): Promise<JobListing> {
        this.listRequests.push({ orgId, connectorId, at: this.clock.now() });
        if ((this.listOutcomes.shift() ?? "ok") === "unavailable") {
            throw new TimbalApiError("list jobs: the Timbal API is unavailable (HTTP 503)", "unavailable", 503);
        }
        return readJobs(this.jobs.filter((job) => connectorId === undefined || job.connector_id === connectorId));
    }

    /** Adds a job (as if dispatched elsewhere, or by dispatchJob), queued now; returns its id. */
    addJob(fields: Partial<JobView> & { connector_id: string }): string {
        const now = new Date(this.clock.now()).toISOString();
        const id = fields.id ?? `job_${++this.sequence}`;
        this.jobs.push({ kb_uid: "kb_101", dest_table: "orders", mode: "create", state: "queued", rows_emitted: 0, created_at: now, updated_at: now, ...fields, id });
        return id;
    }

    /** Moves a job on: `running` with rows, or finished in a state. */
    update(id: string, fields: Partial<JobView>): void {
        const job = this.jobs.find((j) => j.id === id);
        if (!job) throw new Error(`no job ${id}`);
        Object.assign(job, { updated_at: new Date(this.clock.now()).toISOString() }, fields);
    }

    finish(id: string, state = "succeeded", rows = 1000): void {
        this.update(id, { state, rows_emitted: rows, finished_at: new Date(this.clock.now()).toISOString() });
    }

    remove(id: string): void {
        this.jobs.splice(this.jobs.findIndex((j) => j.id === id), 1);
    }
}

/** A log that keeps its lines. */
export function memoryLog(): ProviderLog & { lines: string[] } {
    const lines: string[] = [];
    return { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`), lines };
}
