import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { quoted } from "./validators";

// How a resource field is declared (connector-job-fields.ts holds the declarations), and what is derived from the declarations:
// the program's Args type, the type of the values after check, the validation schema, and the field lists.

/** What a change to the field does: a new resource (for ConnectorJob, a new dispatch), an in-place update, or (adoptJobId) its own rule. */
export type OnChange = "replace" | "in-place" | "adopt";

/** Where the field travels in the dispatch: a body field (by its wire name) or a path parameter. */
export type Sent =
    | { body: string; /** false: the wire name is an ordinary word (`table`), and an API message that uses it is not taken to name the field. */ namedInMessages?: false }
    | { path: string };

/** What check knows besides the program's values: the org and API base URL of the provider's settings. */
export interface SettingsDefaults {
    orgId?: string;
    baseUrl: string;
}

export interface FieldDefault<V = unknown> {
    /** How the README shows the default. */
    shown: string;
    /** Fills in the default during check (so that spelling it out later is no change); absent: left unset. */
    fill?: (parent: Record<string, unknown>, settings: SettingsDefaults) => V | undefined;
    /** The default when it is one value whatever else is given: the plugin's schema states it too. */
    value?: V;
}

/** A default that is one value, filled in during check. */
export function constantDefault<const V extends string | number | boolean>(value: V): FieldDefault<V> & { fill: () => V } {
    return { shown: `\`${JSON.stringify(value)}\``, fill: () => value, value };
}

/** One field: its validation, its documentation, and what it means for the job. */
export interface Field<S extends z.ZodType = z.ZodType> {
    readonly kind: "field";
    readonly schema: S;
    readonly doc: string;
    /** Required at the top level (see `TopLevelFields`); a field inside a group changes with its group. */
    readonly onChange?: OnChange;
    readonly sent?: Sent;
    readonly default?: FieldDefault;
    /** `settings`: not written by the program; check fills it in from the provider's settings (its default). */
    readonly from?: "settings";
}

/** A nested object of fields (`source`, `pacing`). */
export interface Group<F extends Fields = Fields, O extends boolean = boolean> {
    readonly kind: "group";
    readonly fields: F;
    readonly optional: O;
    /** What the object is, for "is required: ..." (a required group). */
    readonly what: string;
    readonly doc: string;
    readonly onChange: OnChange;
    readonly sent?: Sent;
}

export type Fields = { readonly [name: string]: Field | Group };

/** A resource's own fields: each says what a change to it does (a group for all of its fields). */
export type TopLevelFields = { readonly [name: string]: (Field & { readonly onChange: OnChange }) | Group };

export function field<const S extends z.ZodType, const D extends Omit<Field<S>, "kind" | "schema">>(schema: S, declaration: D) {
    return { kind: "field" as const, schema, ...declaration };
}

export function group<const F extends Fields, const O extends boolean>(fields: F, declaration: Omit<Group<F, O>, "kind" | "fields">) {
    return { kind: "group" as const, fields, ...declaration };
}

// ---- Types derived from the declarations ----

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** Keys whose value may be undefined become optional keys. */
type OptionalWhenUndefined<T> = Simplify<
    { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> }
>;

type Filled<X> = X extends { default: { fill: (...args: never[]) => unknown } } ? true : false;

/** A field's value after check: validated, its default filled in. */
type CheckedValue<X> =
    X extends Group<infer F, infer O>
        ? O extends true
            ? CheckedOf<F> | undefined
            : CheckedOf<F>
        : X extends Field<infer S>
          ? Filled<X> extends true
              ? Exclude<z.output<S>, undefined>
              : z.output<S>
          : never;

/** The values of a set of fields after check. */
export type CheckedOf<F extends Fields> = OptionalWhenUndefined<{ -readonly [K in keyof F]: CheckedValue<F[K]> }>;

/** A value as a program may pass it: any part of it may be an Output. */
type InputOf<T> = T extends string | number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer E>
      ? pulumi.Input<InputOf<E>>[]
      : { [K in keyof T]: pulumi.Input<InputOf<T[K]>> };

type ArgValue<X> =
    X extends Group<infer F, infer O>
        ? O extends true
            ? pulumi.Input<ArgsOf<F>> | undefined
            : pulumi.Input<ArgsOf<F>>
        : X extends Field<infer S>
          ? undefined extends z.input<S>
              ? pulumi.Input<InputOf<Exclude<z.output<S>, undefined>>> | undefined
              : pulumi.Input<InputOf<z.output<S>>>
          : never;

type ProgramKeys<F extends Fields> = { [K in keyof F]: F[K] extends { from: "settings" } ? never : K }[keyof F];

/** What a program passes for a set of fields (those filled in from settings are not its to pass). */
export type ArgsOf<F extends Fields> = OptionalWhenUndefined<{ -readonly [K in ProgramKeys<F>]: ArgValue<F[K]> }>;

/** A resource class's outputs for a set of values (merged into the class with an interface of the same name). */
export type OutputsOf<T> = { readonly [K in keyof T]-?: pulumi.Output<{} extends Pick<T, K> ? T[K] | undefined : T[K]> };

// ---- Values derived from the declarations ----

/** The strict zod object that validates what a program passes for these fields. */
export function schemaOf(fields: Fields): z.ZodObject {
    const shape: Record<string, z.ZodType> = {};
    for (const [name, declared] of Object.entries(fields)) {
        if (declared.kind === "field" && declared.from === "settings") continue;
        shape[name] = declared.kind === "field" ? declared.schema : groupSchema(declared);
    }
    return z.strictObject(shape);
}

function groupSchema(declared: Group): z.ZodType {
    const object = z.strictObject(schemaOf(declared.fields).shape, {
        error: (i) => (i.input === undefined && !declared.optional ? `is required: ${declared.what}` : `must be an object; got ${quoted(i.input)}`),
    });
    return declared.optional ? object.optional() : object;
}

/**
 * Fills in every declared default, at every level; the values are otherwise left as given. The result has the checked
 * type once the schema accepts the given values (in a preview, a value not known yet stands in its place).
 */
export function fillDefaults<F extends Fields>(fields: F, given: Record<string, unknown>, settings: SettingsDefaults): CheckedOf<F> {
    // The one place the checked type is given to values: check-inputs.ts reports every value the schema refuses.
    return fillLevel(fields, given, settings) as CheckedOf<F>;
}

function fillLevel(fields: Fields, given: Record<string, unknown>, settings: SettingsDefaults): Record<string, unknown> {
    const out: Record<string, unknown> = { ...given };
    for (const [name, declared] of Object.entries(fields)) {
        if (declared.kind === "group") {
            const value = out[name];
            if (isRecord(value)) out[name] = fillLevel(declared.fields, value, settings);
        } else if (out[name] === undefined && declared.default?.fill) {
            const value = declared.default.fill(out, settings);
            if (value !== undefined) out[name] = value;
        }
    }
    return out;
}

/** The names of the fields whose change has this effect (top level, where each field says it: a group changes as a whole). */
export function namesWhere<F extends TopLevelFields>(fields: F, onChange: OnChange): Array<keyof F & string> {
    return keysOf(fields).filter((name) => fields[name].onChange === onChange);
}

/** The names of the nested objects. */
export function groupNames(fields: Fields): string[] {
    return Object.entries(fields)
        .filter(([, declared]) => declared.kind === "group")
        .map(([name]) => name);
}

/** The request body for checked values: each sent field under its wire name; absent values left out. */
export function toBody(fields: Fields, values: Record<string, unknown>): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const [name, declared] of Object.entries(fields)) {
        const value = values[name];
        if (value === undefined || value === null || !declared.sent || !("body" in declared.sent)) continue;
        body[declared.sent.body] = declared.kind === "group" && isRecord(value) ? toBody(declared.fields, value) : value;
    }
    return body;
}

/** The request's path parameters for checked values: each field sent in the path, under its wire name. */
export function toPathParameters(fields: Fields, values: Record<string, unknown>): Record<string, unknown> {
    const parameters: Record<string, unknown> = {};
    for (const [name, declared] of Object.entries(fields)) {
        if (declared.sent && "path" in declared.sent) parameters[declared.sent.path] = values[name];
    }
    return parameters;
}

/** Every declared field, nested ones as `source.kind`, in declaration order. */
export function flatten(fields: Fields, prefix = ""): Array<{ path: string; declared: Field | Group }> {
    return Object.entries(fields).flatMap(([name, declared]) => {
        const path = `${prefix}${name}`;
        const own = { path, declared };
        return declared.kind === "group" ? [own, ...flatten(declared.fields, `${path}.`)] : [own];
    });
}

/** The keys of a declaration table, typed: Object.keys gives plain strings, even for a literal's own keys. */
export function keysOf<T extends object>(table: T): Array<keyof T & string> {
    return Object.keys(table) as Array<keyof T & string>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}
