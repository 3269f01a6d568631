import type { JobView } from "../api/wire";

// The API does not document its `state` vocabulary. What it does document: `finished_at` is set exactly when a run
// reaches a terminal state. So "done" is finished_at; "failed" is a terminal state named by one of these words
// (compared case-insensitively, with spaces and dashes read as underscores); any other terminal state is success.

export const FAILURE_STATES: ReadonlySet<string> = new Set([
    "failed",
    "failure",
    "error",
    "errored",
    "cancelled",
    "canceled",
    "aborted",
    "timed_out",
    "timeout",
    "killed",
    "rejected",
    "crashed",
    "lost",
]);

export function isFinished(view: Pick<JobView, "finished_at">): boolean {
    return view.finished_at !== null && view.finished_at !== undefined;
}

export function isFailureState(state: string): boolean {
    return FAILURE_STATES.has(state.trim().toLowerCase().replace(/[\s-]+/g, "_"));
}
