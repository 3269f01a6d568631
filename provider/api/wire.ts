import { z } from "zod";

// The API's wire types (snake_case), written from the spec (tools/conformance/openapi.yaml). Inputs map to the
// dispatch's path and body in fields/dispatch-body.ts, by the wire names the field declarations give (`sent`).

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();

// RFC 3339 date-time: a `T` (or `t`, or a space), fractions of a second, `Z` or an offset, and a leap second (:60),
// which Date.parse refuses.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/** Epoch milliseconds of an RFC 3339 date-time (a leap second counts as the second before it); NaN when it is not one. */
export function parseTime(text: string): number {
    const m = RFC3339.exec(text);
    if (!m) return NaN;
    const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
    const offset = m[9] === undefined ? [0, 0] : [Number(m[9]), Number(m[10])];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60 || offset[0] > 23 || offset[1] > 59) return NaN;
    return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${second === 60 ? "59" : m[6]}${m[7] ?? ""}${m[8].toUpperCase()}`);
}

const dateTime = z.string().refine((s) => !Number.isNaN(parseTime(s)), { error: "must be an RFC 3339 date-time" });
/** int64: JSON numbers past 2^53 arrive as the nearest double; they are kept as that (see JobListing.imprecise). */
const int64 = z.number().refine(Number.isInteger, { error: "must be an integer" });

/**
 * `POST /orgs/{org_id}/connectors/{connector_id}/jobs` request body, as the spec describes it. The body built from
 * the field declarations (fields/dispatch-body.ts) is read back through this schema, strictly: a wire name the spec
 * does not have fails there, before anything is sent.
 */
export const dispatchReqSchema = z.strictObject({
    kb_id: z.number(),
    dest_table: z.string(),
    source: z.strictObject({
        kind: z.enum(["postgres", "sql_server"]),
        connection_ref: z.string(),
        table: z.string(),
        cursor_column: z.string(),
        schema: z.string().optional(),
        columns: z.array(z.string()).optional(),
    }),
    mode: z.string().optional(),
    batch_rows: z.number().optional(),
    cursor: z.record(z.string(), z.unknown()).optional(),
    pacing: z
        .strictObject({
            batch_delay_ms: z.number().optional(),
            max_dop: z.number().optional(),
            max_rows_per_sec: z.number().optional(),
            read_uncommitted: z.boolean().optional(),
        })
        .optional(),
    placement: z.string().optional(),
});
export type DispatchReq = z.infer<typeof dispatchReqSchema>;

/** The same request's path parameters, built from the field declarations too (`sent: { path }`). */
export const dispatchPathSchema = z.strictObject({ org_id: z.string().min(1), connector_id: z.string().min(1) });
export type DispatchPath = z.infer<typeof dispatchPathSchema>;

export const dispatchResSchema = z.object({ job_id: z.string().min(1) });
export type DispatchRes = z.infer<typeof dispatchResSchema>;

export const jobViewSchema = z.object({
    id: z.string().min(1),
    connector_id: z.string(),
    kb_uid: z.string(),
    dest_table: z.string(),
    mode: z.string(),
    state: z.string(),
    rows_emitted: int64,
    created_at: dateTime,
    updated_at: dateTime,
    started_at: nullable(dateTime),
    finished_at: nullable(dateTime),
    duration_ms: nullable(int64),
    rows_per_sec: nullable(z.number()),
    message: nullable(z.string()),
    sync_id: nullable(z.string()),
});
export type JobView = z.infer<typeof jobViewSchema>;

/** The list's envelope. Its jobs are read one by one (readJobs): one odd job must not hide the others. */
export const listJobsResSchema = z.object({ jobs: z.array(z.unknown()) });

/** A job of the list that does not match the spec: its id (when it has one) and what is wrong, field and value. */
export interface UnreadableJob {
    id?: string;
    problem: string;
}

/** A connector's job list as read: the jobs that match the spec, and the ones that do not. */
export interface JobListing {
    jobs: JobView[];
    unreadable: UnreadableJob[];
    /** Jobs with an int64 field past 2^53, kept as the nearest number: `job_1: rows_emitted`. */
    imprecise: string[];
}

/** "finished_at: must be an RFC 3339 date-time; got "2026-13-01T00:00:00Z"" */
function describeIssue(issue: z.core.$ZodIssue, job: unknown): string {
    let value: unknown = job;
    for (const key of issue.path) value = value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined;
    const shown = JSON.stringify(value) ?? "nothing";
    return `${issue.path.join(".") || "(job)"}: ${issue.message}; got ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}`;
}

/** Reads the jobs of a list response one by one. */
export function readJobs(raw: unknown[]): JobListing {
    const listing: JobListing = { jobs: [], unreadable: [], imprecise: [] };
    for (const job of raw) {
        const parsed = jobViewSchema.safeParse(job);
        if (parsed.success) {
            listing.jobs.push(parsed.data);
            for (const field of ["rows_emitted", "duration_ms"] as const) {
                const value = parsed.data[field];
                if (typeof value === "number" && !Number.isSafeInteger(value)) listing.imprecise.push(`${parsed.data.id}: ${field}`);
            }
        } else {
            const id: unknown = job !== null && typeof job === "object" ? Reflect.get(job, "id") : undefined;
            listing.unreadable.push({
                id: typeof id === "string" && id !== "" ? id : undefined,
                problem: parsed.error.issues.slice(0, 3).map((issue) => describeIssue(issue, job)).join("; "),
            });
        }
    }
    return listing;
}
