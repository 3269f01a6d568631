import { describeJob } from "../jobs/job-names";
import type { Jobs } from "../jobs/jobs-service";
import { isFailureState } from "../jobs/terminal-states";
import { WaitEnded, type WaitOptions, type WatchedJob } from "../jobs/waiter";
import { WAIT_DEFAULTS, type WaitForCompletion } from "../fields/connector-job-fields";
import { toJobStatus, type JobStatus } from "../fields/status-fields";
import { NOT_YET_LISTED, wasListed } from "./outputs";
import { PartialFailure } from "./partial-failure";

// What `waitForCompletion` means to the ConnectorJobCompletion that waits (in both shells), in create and in update
// alike: wait for the job to finish, then succeed with its final view, or fail the deployment with the job's own
// message while keeping the job in state (a PartialFailure). The engine records such a resource with its id and runs
// an update on it at the next `pulumi up`: the update waits on the same job again and never dispatches another one.

export function waitOptions(value: WaitForCompletion | undefined): WaitOptions | undefined {
    if (value === undefined || value === false) return undefined;
    const settings = value === true ? {} : value;
    return {
        timeoutMs: (settings.timeoutSeconds ?? WAIT_DEFAULTS.timeoutSeconds) * 1000,
        pollCapMs: (settings.pollIntervalSeconds ?? WAIT_DEFAULTS.pollIntervalSeconds) * 1000,
    };
}

export interface Settlement<O> {
    jobs: Jobs;
    job: WatchedJob;
    options: WaitOptions;
    /** The job's status so far; a finished one is not waited on again. */
    status: JobStatus;
    /** Builds the outputs for a status. They must carry `__provider`: the host does not add it to a partial failure. */
    outputs(status: JobStatus): O;
}

/** Waits for the job and returns the outputs of its final view, or throws a PartialFailure. */
export async function settle<O extends Record<string, unknown>>({ jobs, job, options, status, outputs }: Settlement<O>): Promise<O> {
    let final = status;
    if (status.finishedAt === undefined) {
        try {
            final = toJobStatus(await jobs.waitUntilDone({ ...job, listedBefore: wasListed(status) }, options));
        } catch (err) {
            const lastView = err instanceof WaitEnded ? err.lastView : undefined;
            const last = lastView ? toJobStatus(lastView) : status;
            const keep = "It stays in the stack: the next `pulumi up` waits for the same job again and dispatches nothing";
            throw new PartialFailure(`${err instanceof Error ? err.message : String(err)}. ${keep}`, job.id, outputs(last));
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

/** A recorded job, and what the resource that waits on it knows of it. */
export interface RecordedJob {
    jobId: string;
    orgId: string;
    connectorId: string;
    kbId: number;
    destTable: string;
    waitForCompletion?: WaitForCompletion;
}

/**
 * The outputs once `waitForCompletion` is satisfied: after waiting for the job when it asks for it (a failed or
 * unfinished job is a PartialFailure that keeps it), else with the job's current status when the list can tell it.
 */
export async function completed<O extends Record<string, unknown>>(
    jobs: Jobs,
    recorded: RecordedJob,
    status: JobStatus | undefined,
    outputs: (status: JobStatus) => O,
): Promise<O> {
    const job = { id: recorded.jobId, orgId: recorded.orgId, connectorId: recorded.connectorId, label: describeJob(recorded.jobId, recorded) };
    const wait = waitOptions(recorded.waitForCompletion);
    if (!wait) {
        const view = await jobs.find(job, "shared").catch(() => undefined);
        return outputs(view ? toJobStatus(view) : (status ?? NOT_YET_LISTED));
    }
    return settle({ jobs, job, options: wait, status: status ?? NOT_YET_LISTED, outputs });
}
