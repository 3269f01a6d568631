import { AxiosError } from "axios";
import type { Clock } from "../support/clock";

// When a failed request may be sent again. The API has no idempotency key, so a POST (a dispatch) is repeated only
// when it certainly created nothing: the connection was refused (nothing was sent), or the API answered 429 or 503
// (refused before processing). Every other failure of a POST is ambiguous (a timeout, a connection reset after the
// request was sent, 500, 502, 504): the job may exist, and the caller must look before dispatching again.
// A GET is repeated on 429, any 5xx, and any network error.

export interface RetryPolicy {
    /** Attempts in all, the first included. */
    attempts: number;
    /** First pause; doubled each time, with jitter. */
    baseDelayMs: number;
    maxDelayMs: number;
    /** No new attempt starts after this long since the first. */
    deadlineMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8000, deadlineMs: 120_000 };

export type Verdict = "ok" | "retry" | "ambiguous" | "final";

/** Network errors where the request never left this machine. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export function networkErrorCode(err: unknown): string | undefined {
    const own = err instanceof AxiosError ? err.code : (err as { code?: string })?.code;
    const cause = (err as { cause?: { code?: string } })?.cause?.code;
    return cause && NOT_SENT.has(cause) ? cause : own ?? cause;
}

export function judgeNetworkError(method: "GET" | "POST", err: unknown): Verdict {
    if (method === "GET") return "retry";
    return NOT_SENT.has(networkErrorCode(err) ?? "") ? "retry" : "ambiguous";
}

export function judgeStatus(method: "GET" | "POST", status: number): Verdict {
    if (status < 400) return "ok";
    if (method === "GET") return status === 429 || status >= 500 ? "retry" : "final";
    if (status === 429 || status === 503) return "retry";
    return status >= 500 ? "ambiguous" : "final";
}

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now: number): number | undefined {
    if (typeof header !== "string" || header.trim() === "") return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The pause before attempt `attempt + 1`: Retry-After when the API gave one (bounded only by the deadline, which the
 * caller checks), else capped doubling with jitter.
 */
export function delayBefore(attempt: number, policy: RetryPolicy, retryAfter?: number): number {
    if (retryAfter !== undefined) return retryAfter;
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** One attempt as the retry loop sees it: an answer, or a failure to get one; and whether it may be repeated. */
export type Attempt<R> = { verdict: Verdict; retryAfterMs?: number } & ({ answer: R } | { failure: unknown });

/**
 * Makes attempts while the last one may be repeated and the policy allows another (attempts, deadline); returns the
 * last one. A `retry` verdict is the only one repeated: `ambiguous` (a dispatch that may have created a job) never is.
 */
export async function attemptWhileRetryable<R>(policy: RetryPolicy, clock: Clock, attempt: () => Promise<Attempt<R>>): Promise<Attempt<R>> {
    const deadline = clock.now() + policy.deadlineMs;
    for (let n = 1; ; n++) {
        const outcome = await attempt();
        if (outcome.verdict !== "retry") return outcome;
        const pause = delayBefore(n, policy, outcome.retryAfterMs);
        if (n >= policy.attempts || clock.now() + pause > deadline) return outcome;
        await clock.sleep(pause);
    }
}
