import { z } from "zod";
import { parseDuration } from "./durations";

// The validation vocabulary of the field declarations (connector-job-fields.ts): each builder gives a failure that says what the
// field is for and what is allowed, and records how the README's input table shows its type.

export const INT32_MAX = 2_147_483_647;

/** Any JSON value. */
export type JsonValue = z.infer<ReturnType<typeof z.json>>;

/** A type as a Pulumi package schema spells it (the provider plugin's schema.json). */
export type PulumiTypeSpec =
    | { type: "string" | "integer" | "number" | "boolean" }
    | { type: "array"; items: PulumiTypeSpec }
    | { type: "object"; additionalProperties: PulumiTypeSpec }
    | { $ref: string }
    | { oneOf: PulumiTypeSpec[] };

/** Pulumi's type for any JSON value. */
export const ANY_JSON: PulumiTypeSpec = { $ref: "pulumi.json#/Any" };

/** How the README's input table and the plugin's schema show a schema's type, recorded by the builders below. */
const shownTypes = new WeakMap<z.ZodType, { text: string; spec: PulumiTypeSpec }>();

function shownAs<S extends z.ZodType>(schema: S, text: string, spec: PulumiTypeSpec): S {
    shownTypes.set(schema, { text, spec });
    return schema;
}

function shown(schema: z.ZodType): { text: string; spec: PulumiTypeSpec } {
    const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    const found = shownTypes.get(inner);
    if (found === undefined) throw new Error("a field's schema was not built by provider/fields/validators.ts: its type cannot be shown");
    return found;
}

/** The type text of a schema built here (an optional one shows as its inner schema). */
export function typeText(schema: z.ZodType): string {
    return shown(schema).text;
}

/** The Pulumi schema type of a schema built here (an optional one as its inner schema). */
export function typeSpec(schema: z.ZodType): PulumiTypeSpec {
    return shown(schema).spec;
}

/** A value as a failure message quotes it, cut short. */
export function quoted(value: unknown): string {
    if (value === undefined) return "nothing";
    const json = JSON.stringify(value) ?? String(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A non-empty string, with a message that says what it is for. */
export function text(what: string) {
    const schema = z
        .string({
            error: (issue) =>
                issue.input === undefined ? `is required: ${what}` : `must be a string (${what}); got ${quoted(issue.input)}`,
        })
        .min(1, { error: `must not be empty: ${what}` });
    return shownAs(schema, "string", { type: "string" });
}

export function integer(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    const message = (input: unknown) =>
        input === undefined ? `is required: ${what}` : `must be an integer ${range} (${what}); got ${quoted(input)}`;
    const schema = z
        .int({ error: (issue) => message(issue.input) })
        .min(min, { error: (issue) => message(issue.input) })
        .max(max, { error: (issue) => message(issue.input) });
    const shownMax = max === INT32_MAX ? "2³¹-1" : String(max);
    return shownAs(schema, max === Number.MAX_SAFE_INTEGER ? `integer >= ${min}` : `integer ${min}..${shownMax}`, { type: "integer" });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    const allowed = values.map((v) => `"${v}"`);
    const list = allowed.length === 2 ? allowed.join(" or ") : `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
    const schema = z.enum(values, { error: (issue) => `must be ${list}; got ${quoted(issue.input)}` });
    return shownAs(schema, allowed.map((v) => `\`${v}\``).join(" \\| "), { type: "string" });
}

export function boolean() {
    return shownAs(z.boolean({ error: (i) => `must be true or false; got ${quoted(i.input)}` }), "boolean", { type: "boolean" });
}

/** A list of non-empty, distinct names. */
export function names(what: string) {
    const schema = z
        .array(text(what), { error: (i) => `must be a list of column names; got ${quoted(i.input)}` })
        .min(1, { error: "must list at least one column; omit it to extract all columns" })
        .refine((cols) => new Set(cols).size === cols.length, { error: "must not list a column twice" });
    return shownAs(schema, "string[]", { type: "array", items: { type: "string" } });
}

export function jsonObject() {
    const schema = z.record(z.string(), z.json(), { error: (issue) => `must be a JSON object; got ${quoted(issue.input)}` });
    return shownAs(schema, "JSON object", { type: "object", additionalProperties: ANY_JSON });
}

export function anyJson() {
    return shownAs(z.json(), "any JSON", ANY_JSON);
}

/** A number of seconds within bounds. */
export function seconds(bounds: { min?: number; positive?: true; max: number; maxText: string }) {
    let schema = z.number({ error: (i) => `must be a number of seconds; got ${quoted(i.input)}` });
    if (bounds.positive) schema = schema.positive({ error: "must be more than 0 seconds" });
    if (bounds.min !== undefined) schema = schema.min(bounds.min, { error: `must be at least ${bounds.min} seconds` });
    return shownAs(schema.max(bounds.max, { error: `must be at most ${bounds.maxText}` }), "seconds", { type: "number" });
}

/** A duration such as "24h" or "7d" (fields/durations.ts), within bounds given as durations too. */
export function duration(what: string, bounds: { min: string; max: string }) {
    const [min, max] = [parseDuration(bounds.min)!, parseDuration(bounds.max)!];
    const problem = (text: string): string | undefined => {
        const ms = parseDuration(text);
        if (ms === undefined) return `must be a duration such as "24h", "7d" or "1d12h" (units d, h, m: ${what}); got ${quoted(text)}`;
        if (ms < min) return `must be at least ${bounds.min}; got ${quoted(text)}`;
        if (ms > max) return `must be at most ${bounds.max}; got ${quoted(text)}`;
        return undefined;
    };
    const schema = z
        .string({ error: (i) => `must be a duration such as "24h" or "7d" (${what}); got ${quoted(i.input)}` })
        .refine((text) => problem(text) === undefined, { error: (issue) => problem(String(issue.input)) });
    return shownAs(schema, "duration", { type: "string" });
}

/**
 * `true | false | { ...settings }`; a bad settings object is reported field by field (see check-inputs.ts). The
 * settings object is a named type of the plugin's schema (`settingsType`, a token of its `types`).
 */
export function switchOrSettings<S extends z.ZodObject>(settings: S, shownText: string, settingsType: string) {
    const schema = z.union([z.boolean(), settings], {
        error: (i) => `must be true, false or ${shownText}; got ${quoted(i.input)}`,
    });
    return shownAs(schema, `\`boolean\` \\| \`${shownText}\``, { oneOf: [{ type: "boolean" }, { $ref: `#/types/${settingsType}` }] });
}
