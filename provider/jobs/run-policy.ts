import { formatAge, parseDuration } from "../fields/durations";
import { isFailureState } from "./terminal-states";

// The run policy: when the next `pulumi up` dispatches a new job for a resource whose inputs did not change. Decided
// from the last job's status as state holds it (so `pulumi up --refresh`, or a refresh first, decides on the latest),
// by diff, and shown in words by timbal-plan, from this one function. A job that has not finished (or whose end is not
// known yet) is never followed by another: one resource never has two jobs running at once.

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

/** How the provider's diagnostics say that a policy waits for a job that has not ended (timbal-plan reads them). */
const WAITS = "run policy waits: ";

export function policyWaitNote(job: string, reason: string): string {
    return `${job}: ${WAITS}${reason}`;
}

/** The job and the reason of a policyWaitNote in a diagnostic (`timbal: ` prefixed), or undefined for any other message. */
export function readPolicyWait(message: string): { job: string; reason: string } | undefined {
    const at = message.indexOf(WAITS);
    if (at < 2) return undefined;
    return { job: message.slice(0, at - 2).replace(/^timbal: /, ""), reason: message.slice(at + WAITS.length).trim() };
}

export function hasRunPolicy(policy: RunPolicy): boolean {
    return policy.rerunAfter !== undefined || policy.retryFailed === true;
}

/** Whether the policy asks for a new job at `now` (epoch ms). A job exactly `rerunAfter` old is not older than it. */
export function runDecision(last: LastJob, policy: RunPolicy, now: number): RunDecision {
    if (!hasRunPolicy(policy)) return { rerun: false };
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
