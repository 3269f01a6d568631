import { z } from "zod";

// The validation vocabulary of the field declarations (fields.ts): each builder gives a failure that says what the
// field is for and what is allowed, and records how the README's input table shows its type.

export const INT32_MAX = 2_147_483_647;

/** Any JSON value. */
export type JsonValue = z.infer<ReturnType<typeof z.json>>;

/** How the README's input table shows a schema's type, recorded by the builders below. */
const shownTypes = new WeakMap<z.ZodType, string>();

function shownAs<S extends z.ZodType>(schema: S, type: string): S {
    shownTypes.set(schema, type);
    return schema;
}

/** The type text of a schema built here (an optional one shows as its inner schema). */
export function typeText(schema: z.ZodType): string {
    const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    const text = shownTypes.get(inner);
    if (text === undefined) throw new Error("a field's schema was not built by provider/fields/validators.ts: its type cannot be shown");
    return text;
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
    return shownAs(schema, "string");
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
    return shownAs(schema, max === Number.MAX_SAFE_INTEGER ? `integer >= ${min}` : `integer ${min}..${shownMax}`);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    const allowed = values.map((v) => `"${v}"`);
    const list = allowed.length === 2 ? allowed.join(" or ") : `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
    const schema = z.enum(values, { error: (issue) => `must be ${list}; got ${quoted(issue.input)}` });
    return shownAs(schema, allowed.map((v) => `\`${v}\``).join(" \\| "));
}

export function boolean() {
    return shownAs(z.boolean({ error: (i) => `must be true or false; got ${quoted(i.input)}` }), "boolean");
}

/** A list of non-empty, distinct names. */
export function names(what: string) {
    const schema = z
        .array(text(what), { error: (i) => `must be a list of column names; got ${quoted(i.input)}` })
        .min(1, { error: "must list at least one column; omit it to extract all columns" })
        .refine((cols) => new Set(cols).size === cols.length, { error: "must not list a column twice" });
    return shownAs(schema, "string[]");
}

export function jsonObject() {
    return shownAs(z.record(z.string(), z.json(), { error: (issue) => `must be a JSON object; got ${quoted(issue.input)}` }), "JSON object");
}

export function anyJson() {
    return shownAs(z.json(), "any JSON");
}

/** A number of seconds within bounds. */
export function seconds(bounds: { min?: number; positive?: true; max: number; maxText: string }) {
    let schema = z.number({ error: (i) => `must be a number of seconds; got ${quoted(i.input)}` });
    if (bounds.positive) schema = schema.positive({ error: "must be more than 0 seconds" });
    if (bounds.min !== undefined) schema = schema.min(bounds.min, { error: `must be at least ${bounds.min} seconds` });
    return shownAs(schema.max(bounds.max, { error: `must be at most ${bounds.maxText}` }), "seconds");
}

/** `true | false | { ...settings }`; a bad settings object is reported field by field (see check-inputs.ts). */
export function switchOrSettings<S extends z.ZodObject>(settings: S, shown: string) {
    const schema = z.union([z.boolean(), settings], {
        error: (i) => `must be true, false or ${shown}; got ${quoted(i.input)}`,
    });
    return shownAs(schema, `\`boolean\` \\| \`${shown}\``);
}
