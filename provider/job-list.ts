import type { TimbalApi } from "./client";
import type { JobView } from "./wire";

// One list request serves many resources. The list endpoint can only filter by connector, so a refresh of N jobs
// would cost N requests; instead, callers that want the same (org, connector) list share one request: a request in
// flight is joined, and a finished one is reused while it is fresh enough for the caller. A result is never served
// unless its request started after the caller's `notBefore`: for a refresh that is at most SHARE_WINDOW_MS ago; after
// a dispatch it is the moment the dispatch returned, so a new job is never looked for in a list from before it.

/** How old (from its request's start) a shared list may be when a refresh reads it. */
export const SHARE_WINDOW_MS = 10_000;

interface Entry {
    startedAt: number;
    jobs: Promise<JobView[]>;
}

export interface JobLists {
    /** The jobs of a connector, from a request that started after `notBefore` (epoch ms). */
    list(orgId: string, connectorId: string, notBefore?: number): Promise<JobView[]>;
    /** One job of a connector's list (a shared one, within the window), or undefined when it is not listed. */
    find(orgId: string, connectorId: string, jobId: string): Promise<JobView | undefined>;
}

export interface SharingOptions {
    /** false: one request per call, the naive baseline for benchmarks. */
    share?: boolean;
    /** How old a shared list a refresh may read (default SHARE_WINDOW_MS). */
    windowMs?: number;
}

export function createJobLists(api: TimbalApi, options: SharingOptions = {}): JobLists {
    const latest = new Map<string, Entry>();
    const windowMs = options.windowMs ?? SHARE_WINDOW_MS;
    const lists: JobLists = {
        async find(orgId, connectorId, jobId) {
            return (await lists.list(orgId, connectorId)).find((job) => job.id === jobId);
        },
        list(orgId, connectorId, notBefore = Date.now() - windowMs) {
            const key = JSON.stringify([orgId, connectorId]);
            const entry = latest.get(key);
            if (options.share !== false && entry && entry.startedAt > notBefore) return entry.jobs;
            const fresh: Entry = { startedAt: Date.now(), jobs: api.listJobs(orgId, connectorId) };
            latest.set(key, fresh);
            // A failed request is not shared with callers that come after it.
            fresh.jobs.catch(() => latest.get(key) === fresh && latest.delete(key));
            return fresh.jobs;
        },
    };
    return lists;
}
