import type * as dynamic from "@pulumi/pulumi/dynamic";
import { changedPaths, valueAt } from "../fields/changed-paths";
import { sameValue } from "../fields/same-value";
import { IN_PLACE_FIELDS, REDISPATCH_FIELDS } from "../fields/connector-job-fields";
import { containsUnknown } from "../fields/unknown";

// Diff: which input changes re-dispatch the job, as each field declares it (fields/connector-job-fields.ts `onChange`). Every
// field sent to the API shapes the extraction, `triggers` is the explicit re-run switch, and the org and base URL say
// where the job lives: a change to any of them is a new job. `waitForCompletion` only changes what create and update
// do locally, and `allowReplaceInProduction` is read only by the policy pack: in-place updates.
// `adoptJobId` names the job a resource tracks: pointing it at another job is a new resource; removing it after the
// adoption, or naming the job already tracked, is no change at all. While it stays, the resource is pinned to that
// job: a change that would need a new job is refused at check (see adoptionConflicts), never a silent re-adoption.

export interface InputDiff {
    changes: boolean;
    replaces: string[];
}

/** A field path that changes (`pacing.maxRowsPerSec`), as `pulumi preview --diff` shows it. */
export interface FieldDiff {
    path: string;
    kind: "add" | "delete" | "update";
    /** Whether its field is a reason to replace the resource (dispatch a new job). */
    replaces: boolean;
}

/**
 * A lifecycle's diff: what the dynamic provider host reads (changes, replaces), and the field paths that change, which
 * the plugin gives the engine so that a preview shows those and nothing else (never a status output).
 */
export interface FieldLevelDiff extends dynamic.DiffResult {
    fieldDiffs: FieldDiff[];
}

/** The fields whose new value differs from the old one, or is not known yet (preview), which may differ. */
export function changedFields(olds: Record<string, unknown>, news: Record<string, unknown>, fields: ReadonlyArray<string>): string[] {
    return fields.filter((field) => containsUnknown(news[field]) || !sameValue(olds[field], news[field]));
}

/**
 * Compares the inputs kept in state (`olds`, the old outputs) with the checked new inputs. Only input fields count:
 * the job's status fields and the serialized provider (`__provider`) are never a reason for a diff. A value that is
 * not known yet (preview) may differ, so it counts as a change.
 */
export function diffInputs(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): InputDiff {
    const learnt = learntSinceImport(olds, news);
    const replaces = changedFields(olds, news, REDISPATCH_FIELDS).filter((field) => !learnt.includes(field));
    const adopt = news.adoptJobId;
    if (adopt !== undefined && adopt !== id) replaces.push("adoptJobId");
    const inPlace = changedFields(olds, news, IN_PLACE_FIELDS).length + learnt.length;
    return { changes: replaces.length + inPlace > 0, replaces };
}

/**
 * The paths of `fields` whose value changes, each with whether its field is among `replaces`. A replace reason whose
 * value did not change (a run policy's decision: `rerunAfter`) is listed on its field, so the preview shows why.
 */
export function fieldDiffs(olds: Record<string, unknown>, news: Record<string, unknown>, fields: ReadonlyArray<string>, replaces: ReadonlyArray<string>): FieldDiff[] {
    const paths = fields.flatMap((field) => changedPaths(olds[field], news[field], field));
    for (const reason of replaces) if (!paths.some((path) => path === reason || path.startsWith(`${reason}.`))) paths.push(reason);
    return paths.map((path) => {
        const [old, next] = [valueAt(olds, path), valueAt(news, path)];
        const kind = old === undefined ? "add" : next === undefined ? "delete" : "update";
        return { path, kind, replaces: replaces.includes(path.split(".")[0]) };
    });
}

/**
 * The fields a resource imported by its job id (`pulumi import`, the plugin) did not know, and the program now gives:
 * the job list reports neither the KB's numeric id nor the source, so its state has no `source`. While the resource
 * stays pinned to that job (`adoptJobId`), they are learnt in place: the job is already the one running.
 */
function learntSinceImport(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    const imported = olds.source === undefined && olds.adoptJobId !== undefined && olds.adoptJobId === news.adoptJobId;
    return imported ? REDISPATCH_FIELDS.filter((field) => olds[field] === undefined && news[field] !== undefined) : [];
}

/** Check failures for a change that would need a new job on a resource still pinned to an adopted one. */
export function adoptionConflicts(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
    const pinned = news.adoptJobId;
    if (pinned === undefined || pinned !== olds.adoptJobId) return [];
    const learnt = learntSinceImport(olds, news);
    const changed = REDISPATCH_FIELDS.filter(
        (field) => !learnt.includes(field) && !containsUnknown(news[field]) && !sameValue(olds[field], news[field]),
    );
    if (changed.length === 0) return [];
    return [
        `adoptJobId: this resource is pinned to the adopted job ${String(pinned)}, so a change to ${changed.join(", ")} ` +
            "cannot dispatch a new job. Remove adoptJobId (that alone changes nothing), then make the change",
    ];
}
