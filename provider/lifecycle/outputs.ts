import { JOB_STATUS_FIELDS, type JobStatus } from "../fields/status-fields";

// What both resources keep in their outputs: their inputs, and the job's status next to them.

/** The serialized provider the engine passes in with the inputs; create and update must keep it in the outputs. */
export type ProviderRef = {
    __provider?: string;
};

/** The status a freshly dispatched job shows until the job list reports it. */
export const NOT_YET_LISTED: JobStatus = { state: "dispatched", rowsEmitted: 0, kbUid: "", createdAt: "", updatedAt: "" };

/** The status kept in a resource's outputs (old outputs from state, which may predate a field). */
export function statusOf(props: Partial<JobStatus>): JobStatus {
    return { ...NOT_YET_LISTED, ...pick(props, JOB_STATUS_FIELDS) };
}

/** True when the job list has reported this job at least once (a status that is not the placeholder). */
export function wasListed(status: JobStatus): boolean {
    return status.createdAt !== "";
}

/** The fields of `props` named in `fields`, leaving out absent ones. */
export function pick<T extends object, K extends keyof T>(props: T, fields: ReadonlyArray<K>): Pick<T, K> {
    const picked = fields.filter((field) => props[field] !== undefined).map((field) => [field, props[field]]);
    // Absent fields are left out: a field the type requires is present in any state this provider wrote.
    return Object.fromEntries(picked) as Pick<T, K>;
}

/**
 * Outputs as plain JSON. The host cannot encode `undefined` or class instances ("Unexpected struct type"), and a
 * create that failed there would have dispatched a job that state never records.
 */
export function plainOutputs<I extends object>(inputs: I, status: JobStatus): I & JobStatus {
    return JSON.parse(JSON.stringify({ ...inputs, ...status }));
}
