import type { TimbalApi } from "../api/client";
import { SYSTEM_CLOCK, type Clock } from "../support/clock";
import type { ProviderLog } from "../support/log";
import type { JobView } from "../api/wire";
import type { ConnectorJobInputs } from "../fields/connector-job-fields";
import { findAdoptableJob } from "./adopt";
import type { DispatchJournal } from "./dispatch-journal";
import { createDispatcher, type Dispatched, type ReplacedJob } from "./dispatcher";
import { createJobLists, jobIn, type Freshness, type JobRef, type SharingOptions } from "./job-lists";
import { createWaiter, type WaitOptions, type WatchedJob } from "./waiter";

// The one service the lifecycles talk to about jobs, at one API endpoint: dispatch (exactly once), adopt, find a job
// in its connector's list, and wait until it is done. Behind it, one job-list cache shared by all of them, so that a
// refresh, the waits and a lost dispatch answer of one connector share their list requests.

export interface Jobs {
    /** Dispatches the extraction once; finds the job of an earlier interrupted or unconfirmed dispatch first. */
    dispatch(inputs: ConnectorJobInputs, replaced?: ReplacedJob): Promise<Dispatched>;
    /** The job `adoptJobId` names, checked against the inputs; from then on it is this run's, never matched again. */
    adopt(inputs: ConnectorJobInputs, adoptJobId: string): Promise<JobView>;
    /** The job's view in its connector's list; undefined when it is not listed. */
    find(job: JobRef, freshness: Freshness): Promise<JobView | undefined>;
    /** A job known by its id alone (`pulumi import`): its view in the whole org's list; undefined when not listed. */
    findInOrg(jobId: string, orgId: string): Promise<JobView | undefined>;
    /** Resolves with the job's view once it has finished (well or not); rejects on timeout or when it left the list. */
    waitUntilDone(job: WatchedJob, options: WaitOptions): Promise<JobView>;
    /** Ends every wait, now and from now on (the engine cancelled the deployment). */
    cancelWaits(): void;
}

export interface JobsOptions {
    /** How list requests and poll loops are shared (see job-lists.ts). */
    sharing?: SharingOptions;
    /** How long a lost dispatch answer is looked for in the job list (see dispatcher.ts). */
    reconcileForMs?: number;
    clock?: Clock;
}

export function createJobs(api: TimbalApi, log: ProviderLog, journal: DispatchJournal, options: JobsOptions = {}): Jobs {
    const clock = options.clock ?? SYSTEM_CLOCK;
    const lists = createJobLists(api, log, options.sharing, clock);
    const waiter = createWaiter(lists, log, { shareLoops: options.sharing?.share }, clock);
    const dispatcher = createDispatcher(api, lists, log, journal, { reconcileForMs: options.reconcileForMs, clock });
    return {
        dispatch: (inputs, replaced) => dispatcher.dispatch(inputs, replaced),
        async adopt(inputs, adoptJobId) {
            const job = await findAdoptableJob(lists, inputs, adoptJobId);
            dispatcher.claim(job.id);
            return job;
        },
        find: (job, freshness) => lists.find(job, freshness),
        findInOrg: async (jobId, orgId) => jobIn(await api.listJobs(orgId), jobId, `org "${orgId}"`),
        waitUntilDone: (job, options) => waiter.waitFor(job, options),
        cancelWaits: () => waiter.cancel(),
    };
}
