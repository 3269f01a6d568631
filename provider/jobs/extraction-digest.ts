import { createHash } from "crypto";
import { REDISPATCH_FIELDS } from "../fields/fields";

// Which extraction a dispatch is: the values of every field whose change dispatches a new job. Two creates with the
// same digest would start the same extraction. It names an extraction in the dispatch journal without storing its
// inputs.

/** JSON with object keys sorted, so that key order never counts as a change. */
export function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, v) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
            : v,
    );
}

export function extractionDigest(inputs: Record<string, unknown>): string {
    const fields = Object.fromEntries(REDISPATCH_FIELDS.map((field) => [field, inputs[field] ?? null]));
    return createHash("sha256").update(canonical(fields)).digest("hex");
}
