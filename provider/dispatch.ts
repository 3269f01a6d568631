import { TimbalApiError, type TimbalApi } from "./client";
import { describeDestination } from "./describe";
import type { ConnectorJobInputs } from "./inputs";
import type { JobLists } from "./job-list";
import type { ProviderLog } from "./log";
import { toDispatchReq, type JobView } from "./wire";

// Dispatching exactly once, on an API without idempotency keys. The client repeats a dispatch only when nothing can
// have been created. After an ambiguous failure (the answer was lost), the job list is consulted first: a job of the
// same connector with the same dest table and mode, created since the first attempt started, and not already claimed
// by another resource in this run, is taken to be ours and adopted. Only when there is none is the dispatch sent again.
//
// Where this matching can be fooled: someone else dispatching the same connector, dest table and mode within the
// same seconds (we would adopt their job, and ours was never created); a job that the API lists only some time after
// creating it (we would not see it and dispatch again); an API clock more than CLOCK_SKEW_MS behind this machine's.
// The KB cannot be compared: the job list reports a KB uid, the dispatch takes a numeric id.

export const CLOCK_SKEW_MS = 60_000;
const MAX_AMBIGUOUS_ATTEMPTS = 3;

export function createDispatcher(api: TimbalApi, lists: JobLists, log: ProviderLog) {
    /** Job ids this provider process has created or adopted: never matched to another resource's lost answer. */
    const claimed = new Set<string>();

    function findLostJob(jobs: JobView[], inputs: ConnectorJobInputs, since: number): JobView | undefined {
        return jobs
            .filter(
                (job) =>
                    job.dest_table === inputs.destTable &&
                    job.mode === inputs.mode &&
                    Date.parse(job.created_at) >= since - CLOCK_SKEW_MS &&
                    !claimed.has(job.id),
            )
            .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))[0];
    }

    return {
        /** Marks a job as tracked by a resource (an adopted one, say). */
        claim(id: string): void {
            claimed.add(id);
        },

        /** Dispatches the job once and returns its id; never leaves two jobs behind for one call. */
        async dispatch(inputs: ConnectorJobInputs): Promise<string> {
            const firstAttemptAt = Date.now();
            for (let attempt = 1; ; attempt++) {
                try {
                    const { job_id: id } = await api.dispatchJob(inputs.orgId, inputs.connectorId, toDispatchReq(inputs));
                    claimed.add(id);
                    return id;
                } catch (err) {
                    if (!(err instanceof TimbalApiError) || err.kind !== "ambiguous") throw err;
                    let jobs: JobView[];
                    try {
                        jobs = await lists.list(inputs.orgId, inputs.connectorId, Date.now() - 1);
                    } catch (listErr) {
                        throw new Error(
                            `${err.message}, and the job list could not be read to find out (${(listErr as Error).message}). ` +
                                `Nothing more was dispatched. Look for a job of ${describeDestination(inputs)} in the job list and adopt it ` +
                                "with adoptJobId, or run `pulumi up` again to dispatch",
                        );
                    }
                    const found = findLostJob(jobs, inputs, firstAttemptAt);
                    if (found) {
                        claimed.add(found.id);
                        log.warn(`${err.message}. Found job ${found.id} of ${describeDestination(inputs)} created since: adopting it, not dispatching again`);
                        return found.id;
                    }
                    if (attempt >= MAX_AMBIGUOUS_ATTEMPTS) {
                        throw new Error(`${err.message}. The job list shows no such job after ${attempt} attempts; giving up. Nothing was created`);
                    }
                    log.warn(`${err.message}. The job list shows no new job of ${describeDestination(inputs)}: dispatching again`);
                }
            }
        },
    };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
