import { z } from "zod";
import { closest, distance } from "fastest-levenshtein";
import { fillDefaults, groupNames, isRecord, schemaOf, type SettingsDefaults } from "../fields/field-declaration";
import { CONNECTOR_JOB_FIELDS, type ConnectorJobInputs } from "../fields/connector-job-fields";
import { isUnknownAt } from "../fields/unknown";

// Check: the program's inputs validated against the field declarations (fields/connector-job-fields.ts), with defaults filled in.
// Every failure names its field and what is allowed, before anything is sent to Timbal.

const INPUT_SCHEMA = schemaOf(CONNECTOR_JOB_FIELDS);
/** The nested objects (`source`, `pacing`). */
const GROUPS = groupNames(CONNECTOR_JOB_FIELDS);

export interface CheckFailure {
    /** Left empty on purpose: the engine then prints our reason as is, instead of echoing the raw value beside it. */
    property: string;
    reason: string;
}

export interface CheckOutcome {
    /** The inputs with defaults filled in; checked when there are no failures (in a preview, unknowns stay). */
    inputs: ConnectorJobInputs;
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

/** The field names allowed at a path of the schema (`[]`, `["source"]`, `["waitForCompletion"]`). */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
    let node: z.ZodType | undefined = schema;
    for (const key of [...path, undefined]) {
        while (node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
        if (node instanceof z.ZodUnion) node = node.options.find((option): option is z.ZodObject => option instanceof z.ZodObject);
        if (!(node instanceof z.ZodObject)) return [];
        if (key === undefined) return Object.keys(node.shape);
        node = node.shape[String(key)];
    }
    return [];
}

function unrecognizedKeyReason(parent: ReadonlyArray<PropertyKey>, key: string): string {
    const field = formatPath([...parent, key]);
    if (parent.length === 0 && /key|token|secret|password|credential/i.test(key)) {
        return (
            `${field}: credentials are never resource inputs (inputs are stored in state). ` +
            "Set the API key with `pulumi config set --secret timbal:apiKey <key>` or TIMBAL_API_KEY"
        );
    }
    const known = keysAt(INPUT_SCHEMA, parent);
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
        out[key] = GROUPS.includes(key) && isRecord(value) ? withoutNulls(value) : value;
    }
    return out;
}

function pacingWarnings(inputs: ConnectorJobInputs): string[] {
    const { source, pacing } = inputs;
    if (!isRecord(source) || source.kind !== "postgres" || !pacing) return [];
    return (["maxDop", "readUncommitted"] as const)
        .filter((field) => pacing[field] !== undefined)
        .map((field) => `pacing.${field} applies to SQL Server sources only; the postgres source "${String(source.table)}" ignores it`);
}

/**
 * Validates the program's inputs and fills in defaults. Sends nothing anywhere. Returns one failure per bad field,
 * and accepts values that are not known yet during preview.
 */
export function checkInputs(news: Record<string, unknown>, settings: SettingsDefaults): CheckOutcome {
    const given = withoutNulls(news);
    delete given.__provider;
    const inputs = fillDefaults(CONNECTOR_JOB_FIELDS, given, settings);
    const parsed = INPUT_SCHEMA.safeParse(given);
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

