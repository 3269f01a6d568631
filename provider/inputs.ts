import { z } from "zod";
import { closest, distance } from "fastest-levenshtein";
import { isUnknownAt } from "./unknown";

// The resource's inputs as the provider sees them (camelCase, plain values). Validation lives here so that every
// failure names its field and what is allowed, before anything is sent to Timbal.

const INT32_MAX = 2_147_483_647;

function describe(value: unknown): string {
    if (value === undefined) return "nothing";
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A required (or, with `.optional()`, optional) non-empty string, with a message that says what it is for. */
function text(what: string) {
    return z
        .string({
            error: (issue) =>
                issue.input === undefined ? `is required: ${what}` : `must be a string (${what}); got ${describe(issue.input)}`,
        })
        .min(1, { error: `must not be empty: ${what}` });
}

function integer(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    const message = (input: unknown) =>
        input === undefined ? `is required: ${what}` : `must be an integer ${range} (${what}); got ${describe(input)}`;
    return z
        .int({ error: (issue) => message(issue.input) })
        .min(min, { error: (issue) => message(issue.input) })
        .max(max, { error: (issue) => message(issue.input) });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    const allowed = values.map((v) => `"${v}"`);
    const list = allowed.length === 2 ? allowed.join(" or ") : `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
    return z.enum(values, { error: (issue) => `must be ${list}; got ${describe(issue.input)}` });
}

const jsonObject = z.record(z.string(), z.json(), {
    error: (issue) => `must be a JSON object; got ${describe(issue.input)}`,
});

export const SOURCE_KINDS = ["postgres", "sql_server"] as const;
export const MODES = ["create", "append", "replace"] as const;
export const PLACEMENTS = ["hosted", "local"] as const;

/** What the API assumes when `source.schema` is omitted; filled in so that spelling the default out is no change. */
export const DEFAULT_SCHEMA: Record<SourceKind, string> = { postgres: "public", sql_server: "dbo" };
/** The API's default batch size; filled in for the same reason. */
export const DEFAULT_BATCH_ROWS = 5000;

const sourceSchema = z.strictObject(
    {
        kind: oneOf(SOURCE_KINDS),
        connectionRef: text("the name of a connection in the connector's connections.json"),
        table: text("the source table to extract"),
        cursorColumn: text("a monotonic column for incremental extraction, such as id or updated_at"),
        schema: text("the source schema; omit it for public (Postgres) or dbo (SQL Server)").optional(),
        columns: z
            .array(text("a column name"), { error: (i) => `must be a list of column names; got ${describe(i.input)}` })
            .min(1, { error: "must list at least one column; omit it to extract all columns" })
            .refine((cols) => new Set(cols).size === cols.length, { error: "must not list a column twice" })
            .optional(),
    },
    { error: (i) => (i.input === undefined ? "is required: the table to extract" : `must be an object; got ${describe(i.input)}`) },
);

const pacingSchema = z.strictObject(
    {
        batchDelayMs: integer("milliseconds to sleep between batches", 0).optional(),
        maxDop: integer("SQL Server MAXDOP for the extraction queries", 0, INT32_MAX).optional(),
        maxRowsPerSec: integer("a cap on sustained rows per second", 0, INT32_MAX).optional(),
        readUncommitted: z
            .boolean({ error: (i) => `must be true or false; got ${describe(i.input)}` })
            .optional(),
    },
    { error: (i) => `must be an object; got ${describe(i.input)}` },
);

const waitSettingsSchema = z.strictObject({
    timeoutSeconds: z
        .number({ error: (i) => `must be a number of seconds; got ${describe(i.input)}` })
        .positive({ error: "must be more than 0 seconds" })
        .max(7 * 24 * 3600, { error: "must be at most 604800 seconds (7 days)" })
        .optional(),
    pollIntervalSeconds: z
        .number({ error: (i) => `must be a number of seconds; got ${describe(i.input)}` })
        .min(0.05, { error: "must be at least 0.05 seconds" })
        .max(3600, { error: "must be at most 3600 seconds" })
        .optional(),
});

const waitSchema = z.union(
    [z.boolean(), waitSettingsSchema],
    { error: (i) => `must be true, false or { timeoutSeconds?, pollIntervalSeconds? }; got ${describe(i.input)}` },
);

const inputSchema = z.strictObject({
    connectorId: text("the id of the Timbal connector that runs the extraction"),
    kbId: integer("the target KB's numeric id, as in the /k2 routes", 1),
    destTable: text("the destination table inside the KB"),
    orgId: text("the Timbal org; omit it to use timbal:orgId").optional(),
    source: sourceSchema,
    mode: oneOf(MODES).optional(),
    batchRows: integer("target rows per batch", 0, INT32_MAX).optional(),
    cursor: jsonObject.optional(),
    pacing: pacingSchema.optional(),
    placement: oneOf(PLACEMENTS).optional(),
    triggers: z.json().optional(),
    waitForCompletion: waitSchema.optional(),
    adoptJobId: text("the id of an existing job to bring under this resource instead of dispatching").optional(),
    allowReplaceInProduction: z.boolean({ error: (i) => `must be true or false; got ${describe(i.input)}` }).optional(),
});

export type SourceKind = (typeof SOURCE_KINDS)[number];
export type Mode = (typeof MODES)[number];
export type Placement = (typeof PLACEMENTS)[number];
export type JsonValue = z.infer<ReturnType<typeof z.json>>;
export type SourceInputs = z.infer<typeof sourceSchema> & { schema: string };
export type PacingInputs = z.infer<typeof pacingSchema>;

/** The inputs after check: validated, with every default filled in and the org and API base URL resolved. */
export interface ConnectorJobInputs {
    connectorId: string;
    kbId: number;
    destTable: string;
    orgId: string;
    baseUrl: string;
    source: SourceInputs;
    mode: Mode;
    batchRows: number;
    cursor?: Record<string, JsonValue>;
    pacing?: PacingInputs;
    placement: Placement;
    triggers?: JsonValue;
    /** Not sent: whether create and update wait for the job to finish. */
    waitForCompletion?: WaitForCompletion;
    /** Not sent: an existing job that create adopts instead of dispatching. */
    adoptJobId?: string;
    /** Not sent: the explicit opt-in the policy pack asks of a `replace`-mode job in a production stack. */
    allowReplaceInProduction?: boolean;
}

export type WaitForCompletion = z.infer<typeof waitSchema>;

/** Every input field, in a stable order: the provider keeps all of them in the resource's outputs. */
export const INPUT_FIELDS = [...Object.keys(inputSchema.shape), "baseUrl"] as ReadonlyArray<keyof ConnectorJobInputs>;

const KNOWN_KEYS: Record<string, string[]> = {
    "": Object.keys(inputSchema.shape),
    source: Object.keys(sourceSchema.shape),
    pacing: Object.keys(pacingSchema.shape),
    waitForCompletion: Object.keys(waitSettingsSchema.shape),
};

export interface CheckFailure {
    /** Left empty on purpose: the engine then prints our reason as is, instead of echoing the raw value beside it. */
    property: string;
    reason: string;
}

export interface InputDefaults {
    /** The org from configuration, with where it came from; absent when none is configured. */
    orgId?: string;
    baseUrl: string;
}

export interface CheckOutcome {
    inputs: Record<string, unknown>;
    failures: CheckFailure[];
    warnings: string[];
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `source.columns[2]`; a key that is not a plain name is quoted: `source[""]`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
    return path.reduce<string>((out, key) => {
        if (typeof key === "number") return `${out}[${key}]`;
        const name = String(key);
        if (!IDENTIFIER.test(name)) return `${out}[${JSON.stringify(name)}]`;
        return out ? `${out}.${name}` : name;
    }, "");
}

function unrecognizedKeyReason(parent: ReadonlyArray<PropertyKey>, key: string): string {
    const field = formatPath([...parent, key]);
    if (parent.length === 0 && /key|token|secret|password|credential/i.test(key)) {
        return (
            `${field}: credentials are never resource inputs (inputs are stored in state). ` +
            "Set the API key with `pulumi config set --secret timbal:apiKey <key>` or TIMBAL_API_KEY"
        );
    }
    const known = KNOWN_KEYS[formatPath(parent)] ?? [];
    const squash = (s: string) => s.toLowerCase().replace(/_/g, "");
    const prefixOf = (a: string, b: string) => a.length >= 3 && b.startsWith(a);
    const likely =
        known.find((k) => squash(k) === squash(key)) ??
        known.find((k) => prefixOf(squash(key), squash(k)) || prefixOf(squash(k), squash(key)));
    const near = likely ?? (known.length ? closest(key, known) : undefined);
    const hint = near && (likely || distance(key, near) <= Math.max(2, key.length / 3)) ? ` Did you mean "${near}"?` : "";
    return `${field}: is not a ConnectorJob input.${hint} Allowed here: ${known.join(", ")}`;
}

function failuresFrom(error: z.ZodError, news: unknown): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const collect = (issues: ReadonlyArray<z.core.$ZodIssue>, base: PropertyKey[]) => {
        for (const issue of issues) {
            const at = [...base, ...issue.path];
            // A value that is not known yet (preview) cannot be judged; it is checked again once it is.
            if (isUnknownAt(news, at)) continue;
            // For `true | {...}`, report the fields of the object the user wrote, not "matches neither".
            const nested = issue.code === "invalid_union" ? issue.errors.find((branch) => branch.some((i) => i.path.length > 0)) : undefined;
            if (nested) {
                collect(nested, at);
            } else if (issue.code === "unrecognized_keys") {
                for (const key of issue.keys) failures.push({ property: "", reason: unrecognizedKeyReason(at, key) });
            } else {
                failures.push({ property: "", reason: `${formatPath(at)}: ${issue.message}` });
            }
        }
    };
    collect(error.issues, []);
    return failures;
}

/** Pulumi may send `null` for an input the program set to undefined; treat both as "not set". */
function withoutNulls(news: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(news)) {
        if (value === null || value === undefined) continue;
        out[key] =
            (key === "source" || key === "pacing") && typeof value === "object" && !Array.isArray(value)
                ? withoutNulls(value as Record<string, unknown>)
                : value;
    }
    return out;
}

function applyDefaults(given: Record<string, unknown>, defaults: InputDefaults): Record<string, unknown> {
    const inputs: Record<string, unknown> = { ...given };
    inputs.orgId ??= defaults.orgId;
    inputs.baseUrl = defaults.baseUrl;
    inputs.mode ??= "create";
    inputs.placement ??= "hosted";
    inputs.batchRows ??= DEFAULT_BATCH_ROWS;
    const source = inputs.source;
    if (source && typeof source === "object" && !Array.isArray(source)) {
        const kind = (source as { kind?: unknown }).kind;
        if (typeof kind === "string" && kind in DEFAULT_SCHEMA) {
            inputs.source = { ...source, schema: (source as { schema?: string }).schema ?? DEFAULT_SCHEMA[kind as SourceKind] };
        }
    }
    if (inputs.orgId === undefined) delete inputs.orgId;
    return inputs;
}

function pacingWarnings(inputs: Record<string, unknown>): string[] {
    const source = inputs.source as { kind?: unknown } | undefined;
    const pacing = inputs.pacing as Record<string, unknown> | undefined;
    if (source?.kind !== "postgres" || !pacing || typeof pacing !== "object") return [];
    return (["maxDop", "readUncommitted"] as const)
        .filter((field) => pacing[field] !== undefined)
        .map(
            (field) =>
                `pacing.${field} applies to SQL Server sources only; the postgres source "${String(
                    (source as { table?: unknown }).table,
                )}" ignores it`,
        );
}

/**
 * Validates the program's inputs and fills in defaults. Sends nothing anywhere. Returns one failure per bad field,
 * and accepts values that are not known yet during preview.
 */
export function checkInputs(news: Record<string, unknown>, defaults: InputDefaults): CheckOutcome {
    const given = withoutNulls(news);
    delete given.__provider;
    const inputs = applyDefaults(given, defaults);
    const parsed = inputSchema.safeParse(given);
    const failures = parsed.success ? [] : failuresFrom(parsed.error, given);
    if (inputs.orgId === undefined) {
        failures.push({
            property: "",
            reason:
                "orgId: no Timbal org is configured. Set it for the stack with `pulumi config set timbal:orgId <org>`, " +
                "or TIMBAL_ORG_ID, or `org` in your ~/.timbal/config profile, or orgId on this resource",
        });
    }
    return { inputs, failures, warnings: failures.length ? [] : pacingWarnings(inputs) };
}

