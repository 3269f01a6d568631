import { createHash } from "crypto";
import { INPUT_FIELDS, type ConnectorJobInputs } from "./inputs";
import { containsUnknown } from "./unknown";

// Which input changes re-dispatch the job. Every field sent to the API shapes the extraction, `triggers` is the
// explicit re-run switch, and the org and base URL say where the job lives: a change to any of them is a new job.
// `waitForCompletion` only changes what create and update do locally, and `allowReplaceInProduction` is read only by
// the policy pack: in-place updates.
// `adoptJobId` names the job a resource tracks: pointing it at another job is a new resource; removing it after the
// adoption, or naming the job already tracked, is no change at all. While it stays, the resource is pinned to that
// job: a change that would need a new job is refused at check (see adoptionConflicts), never a silent re-adoption.

export const UPDATE_FIELDS: ReadonlyArray<keyof ConnectorJobInputs> = ["waitForCompletion", "allowReplaceInProduction"];
export const REPLACE_FIELDS: ReadonlyArray<keyof ConnectorJobInputs> = INPUT_FIELDS.filter(
    (field) => field !== "adoptJobId" && !UPDATE_FIELDS.includes(field),
);

export interface InputDiff {
    changes: boolean;
    replaces: string[];
    /** Fields that change in place. */
    updates: string[];
}

/** JSON with object keys sorted, so that key order never counts as a change. */
export function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, v) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
            : v,
    );
}

/**
 * A digest of what a dispatch extracts (every field whose change re-dispatches): two creates with the same digest
 * would start the same extraction. Names an extraction in the dispatch journal without storing its inputs.
 */
export function extractionDigest(inputs: Partial<ConnectorJobInputs> | Record<string, unknown>): string {
    const record = inputs as Record<string, unknown>;
    const fields = Object.fromEntries(REPLACE_FIELDS.map((field) => [field, record[field] ?? null]));
    return createHash("sha256").update(canonical(fields)).digest("hex");
}

/** The fields whose new value differs from the old one, or is not known yet (preview), which may differ. */
export function changedFields(olds: Record<string, unknown>, news: Record<string, unknown>, fields: ReadonlyArray<string>): string[] {
    return fields.filter((field) => containsUnknown(news[field]) || canonical(olds[field]) !== canonical(news[field]));
}

/**
 * Compares the inputs kept in state (`olds`, the old outputs) with the checked new inputs. Only input fields count:
 * the job's status fields and the serialized provider (`__provider`) are never a reason for a diff. A value that is
 * not known yet (preview) may differ, so it counts as a change.
 */
export function diffInputs(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): InputDiff {
    const replaces = changedFields(olds, news, REPLACE_FIELDS);
    const adopt = news.adoptJobId;
    if (adopt !== undefined && adopt !== id) replaces.push("adoptJobId");
    const updates = changedFields(olds, news, UPDATE_FIELDS);
    return { changes: replaces.length + updates.length > 0, replaces: [...replaces], updates: [...updates] };
}

/** Check failures for a change that would need a new job on a resource still pinned to an adopted one. */
export function adoptionConflicts(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    const pinned = news.adoptJobId;
    if (pinned === undefined || pinned !== olds.adoptJobId) return [];
    const changed = REPLACE_FIELDS.filter((field) => !containsUnknown(news[field]) && canonical(olds[field]) !== canonical(news[field]));
    if (changed.length === 0) return [];
    return [
        `adoptJobId: this resource is pinned to the adopted job ${String(pinned)}, so a change to ${changed.join(", ")} ` +
            "cannot dispatch a new job. Remove adoptJobId (that alone changes nothing), then make the change",
    ];
}
