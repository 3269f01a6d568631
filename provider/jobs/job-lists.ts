import type { TimbalApi } from "../api/client";
import { SYSTEM_CLOCK, type Clock } from "../support/clock";
import type { ProviderLog } from "../support/log";
import type { JobListing, JobView } from "../api/wire";

// One list request serves many resources. The list endpoint can only filter by connector, so a refresh of N jobs
// would cost N requests; instead, callers that want the same (org, connector) list share one request: a request in
// flight is joined, and a finished one is reused while it is fresh enough for the caller: a `shared` list is one
// whose request started at most SHARE_WINDOW_MS ago (a refresh); a `fresh` one started no earlier than the call (a
// poll, an adoption, a lost dispatch answer), so a new job is never looked for in a list from before it.
//
// The list holds every job of the connector (other stacks', hand-made ones, syncs'): a job that does not match the
// spec is skipped with one warning per process, and fails only the resource whose own job it is (jobIn).

/** How old (from its request's start) a shared list may be when a refresh reads it. */
export const SHARE_WINDOW_MS = 10_000;

interface Entry {
    startedAt: number;
    listing: Promise<JobListing>;
}

/** `fresh`: from a request that starts now (or started in this same millisecond); `shared`: within the share window. */
export type Freshness = "fresh" | "shared";

/** Which job, where: the list is per (org, connector). */
export interface JobRef {
    id: string;
    orgId: string;
    connectorId: string;
}

export interface JobLists {
    /** The connector's list. */
    listing(orgId: string, connectorId: string, freshness: Freshness): Promise<JobListing>;
    /** One job of its connector's list; undefined when it is not listed; an error naming the field when unreadable. */
    find(job: JobRef, freshness: Freshness): Promise<JobView | undefined>;
}

export interface SharingOptions {
    /** false: one request per call, the naive baseline for benchmarks. */
    share?: boolean;
    /** How old a shared list a refresh may read (default SHARE_WINDOW_MS). */
    windowMs?: number;
}

/** The job `jobId` of a listing; undefined when not listed; an error naming the field and value when unreadable. */
export function jobIn(listing: JobListing, jobId: string, where: string): JobView | undefined {
    const unreadable = listing.unreadable.find((job) => job.id === jobId);
    if (unreadable) {
        throw new Error(
            `job ${jobId} in the job list of ${where} does not match the Timbal API spec: ${unreadable.problem}. ` +
                "Its status cannot be read until the API reports it as the spec describes",
        );
    }
    return listing.jobs.find((job) => job.id === jobId);
}

/** How messages name a connector's list. */
export function listName(orgId: string, connectorId: string): string {
    return `connector "${connectorId}" (org "${orgId}")`;
}

export function createJobLists(api: TimbalApi, log: ProviderLog, options: SharingOptions = {}, clock: Clock = SYSTEM_CLOCK): JobLists {
    const latest = new Map<string, Entry>();
    const windowMs = options.windowMs ?? SHARE_WINDOW_MS;
    const warned = new Set<string>();

    /** One warning per job and process, whatever the number of resources that read the list. */
    function warnAbout(listing: JobListing, where: string): void {
        for (const job of listing.unreadable) {
            const key = `${where} ${job.id ?? job.problem}`;
            if (warned.has(key)) continue;
            warned.add(key);
            log.warn(
                `skipping ${job.id ? `job ${job.id}` : "a job without an id"} in the job list of ${where}: it does not match the ` +
                    `Timbal API spec (${job.problem}). Only a resource whose own job it is is affected`,
            );
        }
        for (const field of listing.imprecise) {
            if (warned.has(field)) continue;
            warned.add(field);
            log.warn(`job ${field} in the job list of ${where} is past 2^53: it is kept as the nearest number JavaScript has`);
        }
    }

    const lists: JobLists = {
        listing(orgId, connectorId, freshness) {
            const key = JSON.stringify([orgId, connectorId]);
            const entry = latest.get(key);
            const now = clock.now();
            const oldestServed = freshness === "fresh" ? now : now - windowMs + 1;
            if (options.share !== false && entry && entry.startedAt >= oldestServed) return entry.listing;
            const listing = api.listJobs(orgId, connectorId).then((result) => {
                warnAbout(result, listName(orgId, connectorId));
                return result;
            });
            const started: Entry = { startedAt: now, listing };
            latest.set(key, started);
            // A failed request is not shared with callers that come after it.
            listing.catch(() => latest.get(key) === started && latest.delete(key));
            return listing;
        },
        async find(job, freshness) {
            return jobIn(await lists.listing(job.orgId, job.connectorId, freshness), job.id, listName(job.orgId, job.connectorId));
        },
    };
    return lists;
}
