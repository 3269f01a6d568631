import { z } from "zod";

// The DispatchReq body, validated as the spec (../shared/timbal-api/dispatch-connector-job.md) describes it. Written
// from the spec, not shared with the provider, so that a wrong field name in one is not mirrored by the other.
// Shape errors (missing field, wrong type, below a minimum) are 400; values outside a vocabulary are 422.

// int64 values beyond 2^53 arrive rounded by JSON.parse; they are still integers the schema allows.
const integer = z.number().refine(Number.isInteger, { error: "expected an integer" });
const int32 = integer.pipe(z.number().min(0).max(2_147_483_647));
const int64 = integer.pipe(z.number().min(0));

const sourceBody = z.object({
    kind: z.string(),
    connection_ref: z.string(),
    table: z.string(),
    cursor_column: z.string(),
    schema: z.string().nullish(),
    columns: z.array(z.string()).nullish(),
});

const dispatchReq = z.object({
    kb_id: integer,
    dest_table: z.string(),
    source: sourceBody,
    mode: z.string().nullish(),
    batch_rows: int32.nullish(),
    cursor: z.record(z.string(), z.unknown()).nullish(),
    pacing: z
        .object({
            batch_delay_ms: int64.nullish(),
            max_dop: int32.nullish(),
            max_rows_per_sec: int32.nullish(),
            read_uncommitted: z.boolean().nullish(),
        })
        .nullish(),
    placement: z.string().nullish(),
});

export type DispatchReq = z.infer<typeof dispatchReq>;

export const SOURCE_KINDS = ["postgres", "sql_server"];
export const MODES = ["create", "append", "replace"];
export const PLACEMENTS = ["hosted", "local"];

export type Validation = { ok: true; request: DispatchReq } | { ok: false; status: 400 | 422; message: string };

export function validateDispatchReq(body: unknown): Validation {
    const parsed = dispatchReq.safeParse(body, { reportInput: true });
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue.path.join(".");
        const missing = issue.code === "invalid_type" && issue.input === undefined;
        const message = missing ? `missing field \`${field}\`` : `invalid value for \`${field || "body"}\`: ${issue.message}`;
        return { ok: false, status: 400, message };
    }
    const request = parsed.data;
    const unprocessable = (message: string): Validation => ({ ok: false, status: 422, message });
    if (!SOURCE_KINDS.includes(request.source.kind)) return unprocessable(`unknown source kind \`${request.source.kind}\``);
    if (request.mode != null && !MODES.includes(request.mode)) return unprocessable(`unknown mode \`${request.mode}\`; expected create, append or replace`);
    if (request.placement != null && !PLACEMENTS.includes(request.placement)) {
        return unprocessable(`unknown placement \`${request.placement}\`; expected hosted or local`);
    }
    for (const [field, value] of [
        ["dest_table", request.dest_table],
        ["source.connection_ref", request.source.connection_ref],
        ["source.table", request.source.table],
        ["source.cursor_column", request.source.cursor_column],
    ] as const) {
        if (value.trim() === "") return unprocessable(`\`${field}\` must not be empty`);
    }
    return { ok: true, request };
}
