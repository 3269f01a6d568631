import { createHash } from "crypto";
import { REDISPATCH_FIELDS } from "../fields/connector-job-fields";
import { canonical } from "../fields/same-value";

// Which extraction a dispatch is: the values of every field whose change dispatches a new job. Two creates with the
// same digest would start the same extraction. It names an extraction in the dispatch journal without storing its
// inputs.

export function extractionDigest(inputs: Record<string, unknown>): string {
    const fields = Object.fromEntries(REDISPATCH_FIELDS.map((field) => [field, inputs[field] ?? null]));
    return createHash("sha256").update(canonical(fields)).digest("hex");
}
