import { formatAge, parseDuration } from "../fields/durations";
import { containsUnknown } from "../fields/unknown";
import { isFailureState } from "./terminal-states";

// The run policy: when the next `pulumi up` dispatches a new job for a resource whose inputs did not change. Decided
// from the last job's status as state holds it (so `pulumi up --refresh`, or a refresh first, decides on the latest),
// by diff, and shown in words by timbal-plan, from this one function (decideRun). A job that has not finished (or
// whose end is not known yet) is never followed by another: one resource never has two jobs running at once.

export interface RunPolicy {
    /** How old the last job may get, counted from when it finished (`24h`, `7d`). */
    rerunAfter?: string;
    /** A failed last job is followed by a new one. */
    retryFailed?: boolean;
    /** A resource pinned to an adopted job never dispatches (see diff.ts). */
    adoptJobId?: string;
}

/** The last job, as the resource's outputs hold it. */
export interface LastJob {
    state?: string;
    finishedAt?: string;
    message?: string;
}

export type RunDecision =
    /** A new job is due; `because` is the input that asked for it (the replace reason), `reason` says why in words. */
    | { rerun: true; because: "rerunAfter" | "retryFailed"; reason: string }
    /** Nothing is due; `reason` says why, when there is a policy; `waits`: because the last job has not ended. */
    | { rerun: false; reason?: string; waits?: true };

/** The run policy a resource's inputs declare: what the provider's diff and timbal-plan both judge by. */
function runPolicyOf(inputs: { rerunAfter?: unknown; retryFailed?: unknown; adoptJobId?: unknown }): RunPolicy {
    return {
        rerunAfter: inputs.rerunAfter as string | undefined,
        retryFailed: inputs.retryFailed as boolean | undefined,
        adoptJobId: inputs.adoptJobId as string | undefined,
    };
}

/**
 * What the run policy of a resource decides: from its inputs, its last job as state holds it, and the instant it is
 * judged at (asked only when there is a policy to judge). The one decision the provider's diff acts on and
 * timbal-plan shows. A policy not known yet (a preview) decides nothing.
 */
export function decideRun(inputs: Parameters<typeof runPolicyOf>[0], last: LastJob, judgeAt: () => number): RunDecision {
    const policy = runPolicyOf(inputs);
    if (containsUnknown(policy) || !hasRunPolicy(policy)) return { rerun: false };
    return judgePolicy(last, policy, judgeAt());
}

/**
 * The line the provider logs on the job's row for a decision that changes what `up` does although no input changed:
 * a new job, or none while the last one runs. For people: timbal-plan judges the same decision from the preview's
 * steps (decideRun), never from these words.
 */
export function runPolicyNote(job: string, decision: RunDecision): string | undefined {
    if (decision.rerun) return `${job}: ${decision.reason}: a new job is dispatched`;
    return decision.waits ? `${job}: run policy waits: ${decision.reason}` : undefined;
}

function hasRunPolicy(policy: RunPolicy): boolean {
    return policy.rerunAfter !== undefined || policy.retryFailed === true;
}

/** Whether the policy asks for a new job at `now` (epoch ms). A job exactly `rerunAfter` old is not older than it. */
function judgePolicy(last: LastJob, policy: RunPolicy, now: number): RunDecision {
    const finishedAt = last.finishedAt === undefined ? NaN : Date.parse(last.finishedAt);
    if (Number.isNaN(finishedAt)) {
        const known = last.state !== undefined && last.state !== "dispatched" && last.state !== "unconfirmed";
        return {
            rerun: false,
            waits: true,
            reason: known
                ? `last job still ${last.state}: nothing is dispatched while it runs`
                : "last job's status is not known yet (refresh to read it): nothing is dispatched",
        };
    }
    if (policy.adoptJobId !== undefined) {
        return { rerun: false, reason: `pinned to the adopted job ${policy.adoptJobId}: remove adoptJobId to let the run policy dispatch` };
    }
    const failed = last.state !== undefined && isFailureState(last.state);
    if (failed && policy.retryFailed) {
        return { rerun: true, because: "retryFailed", reason: `last job failed: ${last.message ?? `state ${last.state}`}; retryFailed` };
    }
    const age = now - finishedAt;
    const limit = policy.rerunAfter === undefined ? undefined : parseDuration(policy.rerunAfter);
    const ended = failed ? "failed" : "finished";
    if (limit !== undefined && age > limit) {
        return { rerun: true, because: "rerunAfter", reason: `last job ${ended} ${formatAge(age)} ago; older than ${policy.rerunAfter}` };
    }
    if (limit !== undefined) return { rerun: false, reason: `last job ${ended} ${formatAge(age)} ago; not older than ${policy.rerunAfter}` };
    return { rerun: false, reason: `last job ${ended}${failed ? "" : "; retryFailed applies to failed jobs only"}` };
}
