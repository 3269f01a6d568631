import { z } from "zod";
import type { ConnectorJobInputs } from "./inputs";

// The API's wire types (snake_case), written from ../shared/timbal-api, and the one place where inputs map to them.

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: "must be an RFC 3339 date-time" });

/** `POST /orgs/{org_id}/connectors/{connector_id}/jobs` request body. */
export interface DispatchReq {
    kb_id: number;
    dest_table: string;
    source: {
        kind: "postgres" | "sql_server";
        connection_ref: string;
        table: string;
        cursor_column: string;
        schema?: string | null;
        columns?: string[] | null;
    };
    mode?: string | null;
    batch_rows?: number | null;
    cursor?: Record<string, unknown> | null;
    pacing?: {
        batch_delay_ms?: number | null;
        max_dop?: number | null;
        max_rows_per_sec?: number | null;
        read_uncommitted?: boolean | null;
    } | null;
    placement?: string | null;
}

export const dispatchResSchema = z.object({ job_id: z.string().min(1) });
export type DispatchRes = z.infer<typeof dispatchResSchema>;

export const jobViewSchema = z.object({
    id: z.string().min(1),
    connector_id: z.string(),
    kb_uid: z.string(),
    dest_table: z.string(),
    mode: z.string(),
    state: z.string(),
    rows_emitted: z.int(),
    created_at: dateTime,
    updated_at: dateTime,
    started_at: nullable(dateTime),
    finished_at: nullable(dateTime),
    duration_ms: nullable(z.int()),
    rows_per_sec: nullable(z.number()),
    message: nullable(z.string()),
    sync_id: nullable(z.string()),
});
export type JobView = z.infer<typeof jobViewSchema>;

export const listJobsResSchema = z.object({ jobs: z.array(jobViewSchema) });

/** What the provider keeps of a job's view, camelCase. Absent optional fields are left out (never undefined). */
export interface JobStatus {
    state: string;
    rowsEmitted: number;
    kbUid: string;
    createdAt: string;
    updatedAt: string;
    startedAt?: string;
    finishedAt?: string;
    durationMs?: number;
    rowsPerSec?: number;
    message?: string;
    syncId?: string;
}

/** The fields of JobStatus, for code that copies a status from old outputs. */
export const JOB_STATUS_FIELDS: ReadonlyArray<keyof JobStatus> = [
    "state",
    "rowsEmitted",
    "kbUid",
    "createdAt",
    "updatedAt",
    "startedAt",
    "finishedAt",
    "durationMs",
    "rowsPerSec",
    "message",
    "syncId",
];

export function toDispatchReq(inputs: ConnectorJobInputs): DispatchReq {
    const { source, pacing } = inputs;
    return dropAbsent({
        kb_id: inputs.kbId,
        dest_table: inputs.destTable,
        source: dropAbsent({
            kind: source.kind,
            connection_ref: source.connectionRef,
            table: source.table,
            cursor_column: source.cursorColumn,
            schema: source.schema,
            columns: source.columns,
        }),
        mode: inputs.mode,
        batch_rows: inputs.batchRows,
        cursor: inputs.cursor,
        pacing: pacing
            ? dropAbsent({
                  batch_delay_ms: pacing.batchDelayMs,
                  max_dop: pacing.maxDop,
                  max_rows_per_sec: pacing.maxRowsPerSec,
                  read_uncommitted: pacing.readUncommitted,
              })
            : undefined,
        placement: inputs.placement,
    });
}

export function toJobStatus(view: JobView): JobStatus {
    return dropAbsent({
        state: view.state,
        rowsEmitted: view.rows_emitted,
        kbUid: view.kb_uid,
        createdAt: view.created_at,
        updatedAt: view.updated_at,
        startedAt: view.started_at,
        finishedAt: view.finished_at,
        durationMs: view.duration_ms,
        rowsPerSec: view.rows_per_sec,
        message: view.message,
        syncId: view.sync_id,
    });
}

/**
 * Removes undefined and null fields. The provider host cannot encode `undefined` ("Unexpected struct type"), and
 * failing there after a dispatch would lose the job, so nothing the provider returns may carry one.
 */
export function dropAbsent<T extends Record<string, unknown>>(record: T): { [K in keyof T]: Exclude<T[K], null> } {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
        if (value !== undefined && value !== null) out[key] = value;
    }
    return out as { [K in keyof T]: Exclude<T[K], null> };
}

/**
 * Wire field names an API error message may mention, and the input that sets each. Only names that cannot be
 * mistaken for ordinary words in a message are listed.
 */
export const WIRE_TO_INPUT: Readonly<Record<string, string>> = {
    kb_id: "kbId",
    dest_table: "destTable",
    connection_ref: "source.connectionRef",
    cursor_column: "source.cursorColumn",
    batch_rows: "batchRows",
    batch_delay_ms: "pacing.batchDelayMs",
    max_dop: "pacing.maxDop",
    max_rows_per_sec: "pacing.maxRowsPerSec",
    read_uncommitted: "pacing.readUncommitted",
    placement: "placement",
    mode: "mode",
};
