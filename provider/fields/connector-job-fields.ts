import { constantDefault, field, group, keysOf, namesWhere, type CheckedOf } from "./field-declaration";
import { OBJECT_TYPES } from "./type-tokens";
import { anyJson, boolean, duration, INT32_MAX, integer, jsonObject, names, oneOf, seconds, switchOrSettings, text } from "./validators";
import { z } from "zod";

// Every ConnectorJob input, declared once: how it is validated, what it is, its default, how it is sent (path or
// body, by its wire name), and what a change to it does (a nested field changes with its object). The program's Args,
// the checked values, the schema that check runs, the dispatch request, the diff's field sets, the review rules'
// types (policy pack, timbal-plan), the plugin's schema (so the Python SDK) and the README's input table all derive
// from here. To add an input, add its declaration; `npm test` then says what else must follow (npm run
// readme:tables, npm run plugin:schema, npm run sdks).

export const SOURCE_KINDS = ["postgres", "sql_server"] as const;
export const MODES = ["create", "append", "replace"] as const;
export const PLACEMENTS = ["hosted", "local"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export type Mode = (typeof MODES)[number];
export type Placement = (typeof PLACEMENTS)[number];

function isSourceKind(value: unknown): value is SourceKind {
    return SOURCE_KINDS.some((kind) => kind === value);
}

/** What the API assumes when `source.schema` is omitted; filled in so that spelling the default out is no change. */
export const DEFAULT_SCHEMA: Record<SourceKind, string> = { postgres: "public", sql_server: "dbo" };
/** The API's default batch size; filled in for the same reason. */
export const DEFAULT_BATCH_ROWS = 5000;

// A nested field changes with its object: `source` and `pacing` declare what a change to them does.
const SOURCE_FIELDS = {
    kind: field(oneOf(SOURCE_KINDS), {
        doc: "the connector must advertise `source:<kind>`",
        sent: { body: "kind", namedInMessages: false },
    }),
    connectionRef: field(text("the name of a connection in the connector's connections.json"), {
        doc: "a connection in the connector's `connections.json` (the DSN never leaves the connector)",
        sent: { body: "connection_ref" },
    }),
    table: field(text("the source table to extract"), {
        doc: "the source table to extract",
        sent: { body: "table", namedInMessages: false },
    }),
    cursorColumn: field(text("a monotonic column for incremental extraction, such as id or updated_at"), {
        doc: "a monotonic column for incremental extraction (`id`, `updated_at`)",
        sent: { body: "cursor_column" },
    }),
    schema: field(text("the source schema; omit it for public (Postgres) or dbo (SQL Server)").optional(), {
        doc: "the source schema, filled in per kind",
        sent: { body: "schema", namedInMessages: false },
        default: {
            shown: "`public` / `dbo`",
            fill: (source) => (isSourceKind(source.kind) ? DEFAULT_SCHEMA[source.kind] : undefined),
        },
    }),
    columns: field(names("a column name").optional(), {
        doc: "the columns to extract: no duplicates, not empty",
        sent: { body: "columns", namedInMessages: false },
        default: { shown: "all columns" },
    }),
};

const PACING_FIELDS = {
    batchDelayMs: field(integer("milliseconds to sleep between batches", 0).optional(), {
        doc: "pause between batches, in milliseconds",
        sent: { body: "batch_delay_ms" },
    }),
    maxDop: field(integer("SQL Server MAXDOP for the extraction queries", 0, INT32_MAX).optional(), {
        doc: "SQL Server MAXDOP for the extraction queries; on Postgres it is accepted with a warning",
        sent: { body: "max_dop" },
    }),
    maxRowsPerSec: field(integer("a cap on sustained rows per second", 0, INT32_MAX).optional(), {
        doc: "sustained rows/s cap",
        sent: { body: "max_rows_per_sec" },
    }),
    readUncommitted: field(boolean().optional(), {
        doc: "SQL Server `READ UNCOMMITTED`; on Postgres it is accepted with a warning",
        sent: { body: "read_uncommitted" },
    }),
};

/** What `waitForCompletion: true` means, and what an object that leaves a setting out gets. */
export const WAIT_DEFAULTS = { timeoutSeconds: 3600, pollIntervalSeconds: 15 } as const;

const WAIT_SETTINGS = z.strictObject({
    timeoutSeconds: seconds({ positive: true, max: 7 * 24 * 3600, maxText: "604800 seconds (7 days)" })
        .optional()
        .describe(`give up after this many seconds (default ${WAIT_DEFAULTS.timeoutSeconds})`),
    pollIntervalSeconds: seconds({ min: 0.05, max: 3600, maxText: "3600 seconds" })
        .optional()
        .describe(`the longest pause between two polls, in seconds (default ${WAIT_DEFAULTS.pollIntervalSeconds}; polls start about 1 s apart)`),
});

export const CONNECTOR_JOB_FIELDS = {
    connectorId: field(text("the id of the Timbal connector that runs the extraction"), {
        doc: "the connector that runs the extraction",
        onChange: "replace",
        sent: { path: "connector_id" },
    }),
    kbId: field(integer("the target KB's numeric id, as in the /k2 routes", 1), {
        doc: "target KB, numeric id as in the `/k2` routes",
        onChange: "replace",
        sent: { body: "kb_id" },
    }),
    destTable: field(text("the destination table inside the KB"), {
        doc: "destination table inside the KB",
        onChange: "replace",
        sent: { body: "dest_table" },
    }),
    orgId: field(text("the Timbal org; omit it to use timbal:orgId").optional(), {
        doc: "the org the job is dispatched in; see [Configure credentials](#configure-credentials)",
        onChange: "replace",
        sent: { path: "org_id" },
        // From the provider's settings when omitted; when none is configured either, check fails on it.
        default: { shown: "`timbal:orgId` etc.", fill: (_job, settings) => settings.orgId },
    }),
    source: group(SOURCE_FIELDS, {
        optional: false,
        what: "the table to extract",
        doc: "where the rows come from: a table in a database the connector can reach",
        onChange: "replace",
        sent: { body: "source", namedInMessages: false },
    }),
    mode: field(oneOf(MODES).optional(), {
        doc: "how the rows land in the KB table: `create` a new table, `append` to it, `replace` its rows",
        onChange: "replace",
        sent: { body: "mode" },
        default: constantDefault<Mode>("create"),
    }),
    batchRows: field(integer("target rows per batch", 0, INT32_MAX).optional(), {
        doc: "target rows per batch; the API's default, filled in",
        onChange: "replace",
        sent: { body: "batch_rows" },
        default: constantDefault(DEFAULT_BATCH_ROWS),
    }),
    cursor: field(jsonObject().optional(), {
        doc: "resume checkpoint; omit for a full extract",
        onChange: "replace",
        sent: { body: "cursor", namedInMessages: false },
    }),
    pacing: group(PACING_FIELDS, {
        optional: true,
        what: "load shaping against the source",
        doc: "load shaping for busy source systems; omit for no throttle",
        onChange: "replace",
        sent: { body: "pacing", namedInMessages: false },
    }),
    placement: field(oneOf(PLACEMENTS).optional(), {
        doc: "`local` needs a connector with `kb:local`",
        onChange: "replace",
        sent: { body: "placement" },
        default: constantDefault<Placement>("hosted"),
    }),
    triggers: field(anyJson().optional(), {
        doc: "change it to re-run the extraction, as `triggers` in pulumi-command",
        onChange: "replace",
    }),
    waitForCompletion: field(switchOrSettings(WAIT_SETTINGS, "{ timeoutSeconds?, pollIntervalSeconds? }", OBJECT_TYPES.waitForCompletion).optional(), {
        doc:
            `wait for the job to finish before \`pulumi up\` goes on (\`true\`: up to ${WAIT_DEFAULTS.timeoutSeconds} s, polls at most ` +
            `${WAIT_DEFAULTS.pollIntervalSeconds} s apart); see ` +
            "[Waiting for extractions](#waiting-for-extractions)",
        onChange: "in-place",
        default: { shown: "`false`" },
    }),
    rerunAfter: field(duration("how old the last job may get before the next `pulumi up` dispatches a new one", { min: "1m", max: "366d" }).optional(), {
        doc:
            "run policy: how old the last job may get (`24h`, `7d`, counted from when it finished) before the next " +
            "`pulumi up` dispatches a new one; see [Recurring extractions](#recurring-extractions)",
        onChange: "in-place",
    }),
    retryFailed: field(boolean().optional(), {
        doc: "run policy: when the last job failed, the next `pulumi up` dispatches a new one; see [Recurring extractions](#recurring-extractions)",
        onChange: "in-place",
    }),
    adoptJobId: field(text("the id of an existing job to bring under this resource instead of dispatching").optional(), {
        doc:
            "an existing job to track instead of dispatching; see " +
            "[Adopting a job dispatched elsewhere](#adopting-a-job-dispatched-elsewhere)",
        onChange: "adopt",
    }),
    allowReplaceInProduction: field(boolean().optional(), {
        doc: 'the opt-in the policy pack asks of `mode: "replace"` in production',
        onChange: "in-place",
    }),
    baseUrl: field(z.string(), {
        doc: "the API endpoint the job was dispatched to, from the provider's settings",
        onChange: "replace",
        from: "settings",
        default: { shown: "`timbal:baseUrl` etc.", fill: (_job, settings) => settings.baseUrl },
    }),
};

/** A ConnectorJob's inputs after check: validated, every default filled in, the org and API base URL resolved. */
export type ConnectorJobInputs = CheckedOf<typeof CONNECTOR_JOB_FIELDS>;
export type WaitForCompletion = NonNullable<ConnectorJobInputs["waitForCompletion"]>;

/** Every input field, in declaration order: the provider keeps all of them in the resource's outputs. */
export const INPUT_FIELDS: ReadonlyArray<keyof ConnectorJobInputs> = keysOf(CONNECTOR_JOB_FIELDS);

/** The fields whose change dispatches a new job: everything sent, `triggers`, and where the job lives. */
export const REDISPATCH_FIELDS: ReadonlyArray<keyof ConnectorJobInputs> = namesWhere(CONNECTOR_JOB_FIELDS, "replace");
/** The fields whose change is an in-place update: they change only what the provider and the policy pack do. */
export const IN_PLACE_FIELDS: ReadonlyArray<keyof ConnectorJobInputs> = namesWhere(CONNECTOR_JOB_FIELDS, "in-place");
