import type { TimbalApi } from "./client";
import type { ProviderLog } from "./log";
import type { JobListing, JobView } from "./wire";

// One list request serves many resources. The list endpoint can only filter by connector, so a refresh of N jobs
// would cost N requests; instead, callers that want the same (org, connector) list share one request: a request in
// flight is joined, and a finished one is reused while it is fresh enough for the caller. A result is never served
// unless its request started after the caller's `notBefore`: for a refresh that is at most SHARE_WINDOW_MS ago; after
// a dispatch it is the moment the dispatch returned, so a new job is never looked for in a list from before it.
//
// The list holds every job of the connector (other stacks', hand-made ones, syncs'): a job that does not match the
// spec is skipped with one warning per process, and fails only the resource whose own job it is (jobIn).

/** How old (from its request's start) a shared list may be when a refresh reads it. */
export const SHARE_WINDOW_MS = 10_000;

interface Entry {
    startedAt: number;
    listing: Promise<JobListing>;
}

export interface JobLists {
    /** The connector's list, from a request that started after `notBefore` (epoch ms). */
    listing(orgId: string, connectorId: string, notBefore?: number): Promise<JobListing>;
    /** The jobs of the connector that match the spec, from a request that started after `notBefore`. */
    list(orgId: string, connectorId: string, notBefore?: number): Promise<JobView[]>;
    /** One job of a connector's list (a shared one, within the window); undefined when it is not listed. */
    find(orgId: string, connectorId: string, jobId: string): Promise<JobView | undefined>;
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

export function createJobLists(api: TimbalApi, options: SharingOptions = {}, log?: ProviderLog): JobLists {
    const latest = new Map<string, Entry>();
    const windowMs = options.windowMs ?? SHARE_WINDOW_MS;
    const warned = new Set<string>();

    /** One warning per job and process, whatever the number of resources that read the list. */
    function warnAbout(listing: JobListing, where: string): void {
        for (const job of listing.unreadable) {
            const key = `${where} ${job.id ?? job.problem}`;
            if (warned.has(key)) continue;
            warned.add(key);
            log?.warn(
                `skipping ${job.id ? `job ${job.id}` : "a job without an id"} in the job list of ${where}: it does not match the ` +
                    `Timbal API spec (${job.problem}). Only a resource whose own job it is is affected`,
            );
        }
        for (const field of listing.imprecise) {
            if (warned.has(field)) continue;
            warned.add(field);
            log?.warn(`job ${field} in the job list of ${where} is past 2^53: it is kept as the nearest number JavaScript has`);
        }
    }

    const lists: JobLists = {
        listing(orgId, connectorId, notBefore = Date.now() - windowMs) {
            const key = JSON.stringify([orgId, connectorId]);
            const entry = latest.get(key);
            if (options.share !== false && entry && entry.startedAt > notBefore) return entry.listing;
            const where = `connector "${connectorId}" (org "${orgId}")`;
            const listing = api.listJobs(orgId, connectorId).then((result) => {
                warnAbout(result, where);
                return result;
            });
            const fresh: Entry = { startedAt: Date.now(), listing };
            latest.set(key, fresh);
            // A failed request is not shared with callers that come after it.
            listing.catch(() => latest.get(key) === fresh && latest.delete(key));
            return listing;
        },
        async list(orgId, connectorId, notBefore) {
            return (await lists.listing(orgId, connectorId, notBefore)).jobs;
        },
        async find(orgId, connectorId, jobId) {
            return jobIn(await lists.listing(orgId, connectorId), jobId, `connector "${connectorId}" (org "${orgId}")`);
        },
    };
    return lists;
}
