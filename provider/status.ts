import { JOB_STATUS_FIELDS, type JobStatus } from "./wire";

// The job's status as both resources keep it in their outputs, next to their inputs.

/** The status a freshly dispatched job shows until the job list reports it. */
export const NOT_YET_LISTED: JobStatus = { state: "dispatched", rowsEmitted: 0, kbUid: "", createdAt: "", updatedAt: "" };

/** The status kept in a resource's outputs (old outputs from state). */
export function statusOf(props: Record<string, unknown>): JobStatus {
    const kept = Object.fromEntries(JOB_STATUS_FIELDS.filter((f) => props[f] !== undefined).map((f) => [f, props[f]]));
    return { ...NOT_YET_LISTED, ...kept } as JobStatus;
}

/** True when the job list has reported this job at least once (a status that is not the placeholder). */
export function wasListed(status: JobStatus): boolean {
    return status.createdAt !== "";
}

/** The fields of `props` named in `fields`, leaving out absent ones. */
export function pick(props: Record<string, unknown>, fields: ReadonlyArray<string>): Record<string, unknown> {
    return Object.fromEntries(fields.filter((f) => props[f] !== undefined).map((f) => [f, props[f]]));
}

/**
 * Outputs as plain JSON. The host cannot encode `undefined` or class instances ("Unexpected struct type"), and a
 * create that failed there would have dispatched a job that state never records.
 */
export function plainOutputs(inputs: Record<string, unknown>, status: JobStatus): Record<string, unknown> {
    return JSON.parse(JSON.stringify({ ...inputs, ...status }));
}
