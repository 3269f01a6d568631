import { SYSTEM_CLOCK, type Clock } from "../support/clock";
import type { ProviderLog } from "../support/log";
import type { JobListing, JobView } from "../api/wire";
import { jobIn, listName, type JobLists, type JobRef } from "./job-lists";
import { isFinished } from "./terminal-states";
import { formatRate, formatRows, formatSeconds } from "../support/readable-numbers";

// Waiting for jobs to finish. All waiters on one (org, connector) share one poll loop, so waiting on N jobs costs one
// list request per connector per poll, not N. The loop backs off from about a second up to the smallest interval cap
// its waiters asked for, and wakes early for a waiter's deadline. When its last waiter is done it lingers for one more
// pause, so that waiters who arrive just after (the engine starts them a few at a time) join the next poll instead of
// starting a new loop with a request of its own.

const FIRST_DELAY_MS = 1000;
const BACKOFF = 1.5;
/** A job that was listed and is missing from this many polls in a row has left the job list. */
export const VANISHED_AFTER_POLLS = 3;
/** A job never listed in this long (and in VANISHED_AFTER_POLLS polls) is not coming: the API lists a job at once. */
export const NEVER_LISTED_GRACE_MS = 60_000;
export interface WaitOptions {
    timeoutMs: number;
    /** The longest pause between two polls. */
    pollCapMs: number;
}

export interface WatchedJob extends JobRef {
    /** How progress lines name the job. */
    label: string;
    /** The job list has shown this job before (its status in state came from it). */
    listedBefore?: boolean;
}

/**
 * Why a wait ended without the job finishing: its deadline passed, the job is not (or no longer) in the job list, or
 * the engine cancelled the deployment (the first Ctrl-C).
 */
export type WaitEndReason = "timeout" | "not-listed" | "cancelled";

/** Thrown when a wait ends without the job finishing; carries the last view of the job seen, if any. */
export class WaitEnded extends Error {
    override name = "WaitEnded";
    constructor(
        readonly reason: WaitEndReason,
        message: string,
        readonly lastView?: JobView,
    ) {
        super(message);
    }
}

interface Subscriber {
    job: WatchedJob;
    options: WaitOptions;
    deadline: number;
    lastView?: JobView;
    /** When the job was first missing from the list in the current run of misses, and how many polls in a row. */
    missingSince?: number;
    missedPolls: number;
    /** Where this wait's progress lines go (the resource's own row, where the shell can tell it). */
    report(line: string): void;
    resolve(view: JobView): void;
    reject(err: Error): void;
}

export interface Waiter {
    /** Resolves with the job's view once it is finished (successfully or not); rejects with WaitEnded (or the list's error). */
    waitFor(job: WatchedJob, options: WaitOptions): Promise<JobView>;
    /** Ends every wait (they reject with WaitEnded, "cancelled"), and every wait asked for from now on. */
    cancel(): void;
}

/** "running, 12,000 rows, 2,000 rows/s" */
function progress(view: JobView | undefined, listedBefore = false): string {
    if (!view) return listedBefore ? "no longer in the job list" : "not in the job list yet";
    const rate = view.rows_per_sec === null || view.rows_per_sec === undefined ? "" : `, ${formatRate(view.rows_per_sec)}`;
    return `${view.state}, ${formatRows(view.rows_emitted)}${rate}`;
}

/** The error that ends a wait on a job missing from the list for too long, or undefined while it may still appear. */
function notListed(sub: Subscriber, now: number): WaitEnded | undefined {
    sub.missedPolls += 1;
    sub.missingSince ??= now;
    const listedBefore = sub.lastView !== undefined || sub.job.listedBefore === true;
    if (sub.missedPolls < VANISHED_AFTER_POLLS) return undefined;
    const what = "Check the connector's job list in Timbal (and that connectorId and orgId are the job's)";
    if (listedBefore) {
        return new WaitEnded(
            "not-listed",
            `${sub.job.label} is no longer in Timbal's job list (missing from ${sub.missedPolls} polls in a row; last seen: ` +
                `${progress(sub.lastView)}). ${what}; to run the extraction again, change \`triggers\` or run ` +
                "`pulumi up --replace <urn>`; to stop waiting on it, set waitForCompletion to false",
            sub.lastView,
        );
    }
    if (now - sub.missingSince < NEVER_LISTED_GRACE_MS) return undefined;
    return new WaitEnded(
        "not-listed",
        `${sub.job.label} has not appeared in Timbal's job list in ${formatSeconds(now - sub.missingSince)} of polling. ` +
            `${what}; to stop waiting on it, set waitForCompletion to false`,
    );
}

function cancelled(sub: Pick<Subscriber, "job" | "lastView">): WaitEnded {
    return new WaitEnded("cancelled", `the deployment was cancelled while waiting for ${sub.job.label} (last seen: ${progress(sub.lastView)})`, sub.lastView);
}

export interface WaiterOptions {
    /** `false` gives each waiter its own loop: the naive baseline for benchmarks. */
    shareLoops?: boolean;
}

export function createWaiter(lists: JobLists, log: ProviderLog, options: WaiterOptions = {}, clock: Clock = SYSTEM_CLOCK): Waiter {
    const loops = new Map<string, Subscriber[]>();
    let isCancelled = false;

    async function pollLoop(key: string, orgId: string, connectorId: string): Promise<void> {
        const subscribers = loops.get(key)!;
        let delay = 0;
        let lingered = false;
        for (;;) {
            if (subscribers.length === 0) {
                if (lingered) break;
                lingered = true;
                await clock.sleep(delay);
                continue;
            }
            lingered = false;
            const cap = Math.min(...subscribers.map((s) => s.options.pollCapMs));
            let listing: JobListing;
            try {
                listing = await lists.listing(orgId, connectorId, "fresh");
            } catch (err) {
                subscribers.splice(0).forEach((s) => s.reject(err as Error));
                break;
            }
            const now = clock.now();
            for (const sub of [...subscribers]) {
                let view: JobView | undefined;
                try {
                    view = jobIn(listing, sub.job.id, listName(orgId, connectorId));
                } catch (err) {
                    // Its own job cannot be read: that waiter fails, saying which field; the others go on.
                    subscribers.splice(subscribers.indexOf(sub), 1);
                    sub.reject(err as Error);
                    continue;
                }
                sub.lastView = view ?? sub.lastView;
                sub.report(`${sub.job.label}: ${progress(view, sub.lastView !== undefined || sub.job.listedBefore === true)}`);
                let missing: WaitEnded | undefined;
                if (view === undefined) missing = notListed(sub, now);
                else [sub.missedPolls, sub.missingSince] = [0, undefined];
                const done = view !== undefined && isFinished(view);
                if (!done && !missing && now < sub.deadline) continue;
                subscribers.splice(subscribers.indexOf(sub), 1);
                if (done) sub.resolve(view!);
                else if (missing) sub.reject(missing);
                else {
                    sub.reject(
                        new WaitEnded(
                            "timeout",
                            `${sub.job.label} did not finish within ${formatSeconds(sub.options.timeoutMs)} ` +
                                `(last seen: ${progress(sub.lastView)})`,
                            sub.lastView,
                        ),
                    );
                }
            }
            delay = delay === 0 ? Math.min(FIRST_DELAY_MS, cap) : Math.min(delay * BACKOFF, cap);
            if (subscribers.length === 0) continue;
            const untilDeadline = Math.min(...subscribers.map((s) => s.deadline)) - clock.now();
            await clock.sleep(Math.max(0, Math.min(delay, untilDeadline)));
        }
        loops.delete(key);
    }

    return {
        waitFor(job, waitOptions) {
            return new Promise<JobView>((resolve, reject) => {
                if (isCancelled) return reject(cancelled({ job }));
                const key = JSON.stringify(options.shareLoops === false ? [job.orgId, job.connectorId, job.id] : [job.orgId, job.connectorId]);
                // Taken now, in the call that waits: the shared loop reports from another call's context.
                const report = log.progressReporter?.() ?? log.info;
                const subscriber: Subscriber = { job, options: waitOptions, deadline: clock.now() + waitOptions.timeoutMs, missedPolls: 0, report, resolve, reject };
                const running = loops.get(key);
                if (running) {
                    running.push(subscriber);
                } else {
                    loops.set(key, [subscriber]);
                    void pollLoop(key, job.orgId, job.connectorId);
                }
            });
        },
        cancel() {
            isCancelled = true;
            for (const subscribers of loops.values()) subscribers.splice(0).forEach((sub) => sub.reject(cancelled(sub)));
        },
    };
}
