import type { WaitForCompletion } from "./inputs";
import { isFailureState } from "./job-state";
import { DEFAULT_POLL_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS, WaitTimeout, type WaitOptions, type Waiter, type WatchedJob } from "./waiter";
import { wasListed } from "./status";
import { JobNotListed } from "./waiter";
import { toJobStatus, type JobStatus } from "./wire";

// What `waitForCompletion` means for create and update: wait for the job to finish, then succeed with its final view,
// or fail the deployment with the job's own message while keeping the job in state. The engine records a resource
// whose create or update failed with {id, properties} and retries it with an update on the next `pulumi up`: the
// update waits on the same job again and never dispatches another one.

export function waitOptions(value: WaitForCompletion | undefined): WaitOptions | undefined {
    if (value === undefined || value === false) return undefined;
    const settings = value === true ? {} : value;
    return {
        timeoutMs: (settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        pollCapMs: (settings.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
    };
}

/** An error the engine records as "created, but not healthy": the resource stays in state under this id. */
export class PartialFailure extends Error {
    override name = "PartialFailure";
    readonly reasons: string[];
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
    ) {
        super(message);
        this.reasons = [message];
    }
}

export interface Settlement {
    waiter: Waiter;
    job: WatchedJob;
    options: WaitOptions;
    /** The job's status so far; a finished one is not waited on again. */
    status: JobStatus;
    /** Builds the outputs for a status. They must carry `__provider`: the host does not add it to a partial failure. */
    outputs(status: JobStatus): Record<string, unknown>;
}

/** Waits for the job and returns the outputs of its final view, or throws a PartialFailure. */
export async function settle({ waiter, job, options, status, outputs }: Settlement): Promise<Record<string, unknown>> {
    let final = status;
    if (status.finishedAt === undefined) {
        try {
            final = toJobStatus(await waiter.waitFor({ ...job, listedBefore: wasListed(status) }, options));
        } catch (err) {
            const lastView = err instanceof WaitTimeout || err instanceof JobNotListed ? err.lastView : undefined;
            const last = lastView ? toJobStatus(lastView) : status;
            const keep = "It stays in the stack: the next `pulumi up` waits for the same job again and dispatches nothing";
            throw new PartialFailure(`${(err as Error).message}. ${keep}`, job.id, outputs(last));
        }
    }
    if (isFailureState(final.state)) {
        const reason = final.message ? `: ${final.message}` : "";
        throw new PartialFailure(
            `${job.label} ended in state "${final.state}"${reason}. It stays in the stack as it is; to run the extraction ` +
                "again, change `triggers` or run `pulumi up --replace <urn>`",
            job.id,
            outputs(final),
        );
    }
    return outputs(final);
}
