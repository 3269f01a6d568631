import type { JobView } from "../api/wire";
import { keysOf } from "./field-declaration";

// Every status output of ConnectorJob (and of ConnectorJobCompletion), declared once: the field of the job list it
// is read from, and what it is. The JobStatus type, the output lists, the mapping from the job list and the README's
// output table derive from here.

interface StatusField<L extends keyof JobView> {
    /** The job list's field (snake_case) this output is read from. */
    readonly listedAs: L;
    readonly doc: string;
}

function status<const L extends keyof JobView>(listedAs: L, doc: string): StatusField<L> {
    return { listedAs, doc };
}

export const STATUS_FIELDS = {
    state: status("state", "the job's state as Timbal reports it (`queued`, `running`, `succeeded`, ...); `dispatched` until first listed"),
    rowsEmitted: status("rows_emitted", "rows landed so far"),
    kbUid: status("kb_uid", "the KB's uid; empty until the job is first listed"),
    createdAt: status("created_at", "when the job was created; empty until first listed"),
    updatedAt: status("updated_at", "when the job last changed; empty until first listed"),
    startedAt: status("started_at", "when the run first reported progress"),
    finishedAt: status("finished_at", "when the run reached a terminal state"),
    durationMs: status("duration_ms", "how long the run took"),
    rowsPerSec: status("rows_per_sec", "the run's throughput"),
    message: status("message", "the API's message, such as why a job failed"),
    syncId: status("sync_id", "the parent sync; absent for manual dispatches such as these"),
};

type StatusFields = typeof STATUS_FIELDS;
type Listed<K extends keyof StatusFields> = JobView[StatusFields[K]["listedAs"]];
type Always = { [K in keyof StatusFields]: null extends Listed<K> ? never : undefined extends Listed<K> ? never : K }[keyof StatusFields];

/** What the provider keeps of a job's view, camelCase. Fields the API reports as null are left out (never undefined). */
export type JobStatus = { [K in Always]: Listed<K> } & { [K in Exclude<keyof StatusFields, Always>]?: NonNullable<Listed<K>> };

/** The status outputs, in declaration order. */
export const JOB_STATUS_FIELDS: ReadonlyArray<keyof JobStatus> = keysOf(STATUS_FIELDS);

/** The job's status, from its view in the job list: each declared field read from its list field, nulls left out. */
export function toJobStatus(view: JobView): JobStatus {
    const listed = JOB_STATUS_FIELDS.map((name) => [name, view[STATUS_FIELDS[name].listedAs]] as const);
    // The one place the mapping meets its type: JobStatus is derived from these same declarations.
    return Object.fromEntries(listed.filter(([, value]) => value !== null && value !== undefined)) as JobStatus;
}
