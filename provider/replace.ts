import { INPUT_FIELDS, type ConnectorJobInputs } from "./inputs";
import { containsUnknown } from "./unknown";

// Which input changes re-dispatch the job. Every field sent to the API shapes the extraction, `triggers` is the
// explicit re-run switch, and the org and base URL say where the job lives: a change to any of them is a new job.
// Fields that are not sent and do not re-run anything would be in-place updates; there are none yet.

export const REPLACE_FIELDS: ReadonlyArray<keyof ConnectorJobInputs> = INPUT_FIELDS;

export interface InputDiff {
    changes: boolean;
    replaces: string[];
}

/** JSON with object keys sorted, so that key order never counts as a change. */
function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, v) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
            : v,
    );
}

/**
 * Compares the inputs kept in state (`olds`, the old outputs) with the checked new inputs. Only input fields count:
 * the job's status fields and the serialized provider (`__provider`) are never a reason for a diff. A value that is
 * not known yet (preview) may differ, so it counts as a change.
 */
export function diffInputs(olds: Record<string, unknown>, news: Record<string, unknown>): InputDiff {
    const replaces = REPLACE_FIELDS.filter(
        (field) => containsUnknown(news[field]) || canonical(olds[field]) !== canonical(news[field]),
    );
    return { changes: replaces.length > 0, replaces: [...replaces] };
}
