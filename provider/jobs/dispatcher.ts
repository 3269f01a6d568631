import { TimbalApiError, type TimbalApi } from "../api/client";
import { SYSTEM_CLOCK, type Clock } from "../support/clock";
import type { ProviderLog } from "../support/log";
import { parseTime, type JobView } from "../api/wire";
import { toDispatchPath, toDispatchReq } from "../fields/dispatch-body";
import type { ConnectorJobInputs } from "../fields/connector-job-fields";
import type { DispatchJournal, JournalEntry } from "./dispatch-journal";
import { extractionDigest } from "./extraction-digest";
import { describeDestination } from "./job-names";
import type { JobLists } from "./job-lists";
import { formatSeconds } from "../support/readable-numbers";

// Dispatching exactly once, on an API without idempotency keys. The client repeats a dispatch only when nothing can
// have been created. After an ambiguous failure (the answer was lost), the job list is consulted first: a job of the
// same connector with the same dest table and mode, created since the first attempt started, and not already claimed
// by another resource in this run, is taken to be ours and adopted. Only when there is none is the dispatch sent again.
// The lookup first lets every dispatch of the same destination still in flight in this process get its answer (and
// claim its job), so that it never takes a job whose own resource is about to record it.
// The list read is safe to repeat, so it is retried for minutes; if the list still cannot be read, the dispatch is
// left *unconfirmed* (UnconfirmedDispatch), and the next create of the same extraction looks again before sending
// anything. Earlier unconfirmed dispatches reach a create two ways: a resource kept in state as unconfirmed (any
// machine), and the dispatch journal of an interrupted run (this machine; see dispatch-journal.ts).
//
// Where this matching can be fooled: someone else dispatching the same connector, dest table and mode within the
// same seconds (we would adopt their job, and ours was never created); a job that the API lists only some time after
// creating it (we would not see it and dispatch again); an API clock more than CLOCK_SKEW_MS behind this machine's.
// The KB cannot be compared: the job list reports a KB uid, the dispatch takes a numeric id.

export const CLOCK_SKEW_MS = 60_000;
const MAX_AMBIGUOUS_ATTEMPTS = 3;
/** How long an ambiguous dispatch keeps reading the job list before it is left unconfirmed. */
export const RECONCILE_FOR_MS = 5 * 60_000;
const RECONCILE_PAUSE_MS = [2_000, 5_000, 10_000, 20_000];

/** The job list could not tell whether a dispatch created a job: nothing more was sent, and nothing may be yet. */
export class UnconfirmedDispatch extends Error {
    override name = "UnconfirmedDispatch";
    constructor(
        message: string,
        /** When the dispatch's first attempt started (epoch ms): its job, if any, was created after this. */
        readonly since: number,
    ) {
        super(message);
    }
}

/** How a create came by its job. */
export interface Dispatched {
    id: string;
    /** `dispatched`: sent now; `found`: an earlier unconfirmed or interrupted dispatch's job, nothing sent. */
    how: "dispatched" | "found";
}

/** What the resource being replaced tells a dispatch (diff learns it from the state; create passes it on). */
export interface ReplacedJob {
    /** The resource was kept in state as unconfirmed since then: its job may exist, and is looked for first. */
    unconfirmedSince?: number;
    /** The run policy dispatches again after this job: the same inputs, journaled under a key of their own. */
    follows?: string;
}

export interface DispatcherOptions {
    reconcileForMs?: number;
    clock?: Clock;
}

export function createDispatcher(api: TimbalApi, lists: JobLists, log: ProviderLog, journal: DispatchJournal, options: DispatcherOptions = {}) {
    /** Job ids this provider process has created or adopted: never matched to another resource's lost answer. */
    const claimed = new Set<string>();
    const reconcileForMs = options.reconcileForMs ?? RECONCILE_FOR_MS;
    const clock = options.clock ?? SYSTEM_CLOCK;
    /** Dispatches in flight, per destination: each claims its job the moment its answer arrives. */
    const inFlight = new Map<string, Set<Promise<string>>>();

    const destinationKey = (inputs: ConnectorJobInputs) => JSON.stringify([inputs.orgId, inputs.connectorId, inputs.destTable, inputs.mode]);

    /** Sends the dispatch; its job is claimed as soon as the API answers, before any other code runs. */
    async function post(inputs: ConnectorJobInputs): Promise<string> {
        const key = destinationKey(inputs);
        const answer = api.dispatchJob(toDispatchPath(inputs), toDispatchReq(inputs)).then(({ job_id: id }) => {
            claimed.add(id);
            return id;
        });
        const pending = inFlight.get(key) ?? new Set<Promise<string>>();
        inFlight.set(key, pending.add(answer));
        try {
            return await answer;
        } finally {
            pending.delete(answer);
        }
    }

    /**
     * The earliest unclaimed job of this destination created since `since`, claimed at once: two lookups answered by
     * one shared list must not both take the same job before either has claimed it.
     */
    function claimLostJob(jobs: JobView[], inputs: ConnectorJobInputs, since: number): JobView | undefined {
        const found = jobs
            .filter(
                (job) =>
                    job.dest_table === inputs.destTable &&
                    job.mode === inputs.mode &&
                    parseTime(job.created_at) >= since - CLOCK_SKEW_MS &&
                    !claimed.has(job.id),
            )
            .sort((a, b) => parseTime(a.created_at) - parseTime(b.created_at))[0];
        if (found) claimed.add(found.id);
        return found;
    }

    /** The job a dispatch started at `since` may have created: found, none, or the list could not be read. */
    async function lookForLostJob(inputs: ConnectorJobInputs, since: number, why: string): Promise<JobView | undefined> {
        const giveUpAt = clock.now() + reconcileForMs;
        // A dispatch of the same destination still waiting for its answer may have created one of the jobs listed:
        // let it claim its job first, or this lookup could take that job and leave its own unrecorded.
        await Promise.allSettled(inFlight.get(destinationKey(inputs)) ?? []);
        for (let round = 0; ; round++) {
            try {
                return claimLostJob((await lists.listing(inputs.orgId, inputs.connectorId, "fresh")).jobs, inputs, since);
            } catch (listErr) {
                const pause = Math.min(RECONCILE_PAUSE_MS[Math.min(round, RECONCILE_PAUSE_MS.length - 1)], giveUpAt - clock.now());
                if (pause <= 0) {
                    throw new UnconfirmedDispatch(
                        `${why}, and the job list could not be read to find out (${(listErr as Error).message}). Nothing more ` +
                            `was dispatched. The resource is kept as unconfirmed: the next \`pulumi up\` looks in the job list for a ` +
                            `job of ${describeDestination(inputs)} created since ${new Date(since).toISOString()} before it dispatches anything`,
                        since,
                    );
                }
                log.warn(`${why}; the job list cannot be read yet (${(listErr as Error).message}). Trying again in ${formatSeconds(pause)}`);
                await clock.sleep(pause);
            }
        }
    }

    /** A job an earlier run may have created for this extraction: from an interrupted run's journal, or state. */
    async function findEarlierDispatch(inputs: ConnectorJobInputs, extraction: string, replaced: ReplacedJob): Promise<Dispatched | undefined> {
        const destination = describeDestination(inputs);
        const entries = journal.interrupted(extraction);
        const answered = entries.find((entry) => entry.jobId !== undefined && !claimed.has(entry.jobId));
        if (answered) {
            for (const other of entries) if (other !== answered) journal.drop(other);
            const taken = journal.takeOver(answered);
            claimed.add(taken.jobId!);
            log.warn(
                `job ${taken.jobId} of ${destination} was dispatched at ${new Date(taken.startedAt).toISOString()} by a \`pulumi up\` ` +
                    "that was interrupted before it could record it: recording that job now, not dispatching again",
            );
            return { id: taken.jobId!, how: "found" };
        }
        const sinceState = replaced.unconfirmedSince;
        const since = Math.min(sinceState ?? Infinity, ...entries.map((entry) => entry.startedAt));
        if (since === Infinity) return undefined;
        const why =
            sinceState !== undefined
                ? `the dispatch of ${destination} at ${new Date(since).toISOString()} was never confirmed`
                : `a \`pulumi up\` was interrupted while it dispatched ${destination} at ${new Date(since).toISOString()}`;
        const found = await lookForLostJob(inputs, since, why);
        for (const entry of entries) journal.drop(entry);
        if (!found) {
            log.warn(`${why}; the job list shows no job of it created since: dispatching now`);
            return undefined;
        }
        journal.answered(journal.begin(extraction, destination, since), found.id);
        log.warn(`${why}; found its job ${found.id} in the job list: recording it, not dispatching again`);
        return { id: found.id, how: "found" };
    }

    async function send(inputs: ConnectorJobInputs, entry: JournalEntry): Promise<string> {
        for (let attempt = 1; ; attempt++) {
            try {
                return await post(inputs);
            } catch (err) {
                if (!(err instanceof TimbalApiError) || err.kind !== "ambiguous") {
                    journal.drop(entry);
                    throw err;
                }
                const found = await lookForLostJob(inputs, entry.startedAt, err.message);
                if (found) {
                    log.warn(`${err.message}. Found job ${found.id} of ${describeDestination(inputs)} created since: adopting it, not dispatching again`);
                    return found.id;
                }
                if (attempt >= MAX_AMBIGUOUS_ATTEMPTS) {
                    journal.drop(entry);
                    throw new Error(`${err.message}. The job list shows no such job after ${attempt} attempts; giving up. Nothing was created`);
                }
                log.warn(`${err.message}. The job list shows no new job of ${describeDestination(inputs)}: dispatching again`);
            }
        }
    }

    return {
        /** Marks a job as tracked by a resource (an adopted one, say). */
        claim(id: string): void {
            claimed.add(id);
        },

        /**
         * Dispatches the job once and returns its id; never leaves two jobs behind for one call. An earlier
         * dispatch of the same extraction that was never recorded (interrupted, or unconfirmed) is found first.
         */
        async dispatch(inputs: ConnectorJobInputs, replaced: ReplacedJob = {}): Promise<Dispatched> {
            // A run policy's new job has the inputs of the job it follows: journaled under a key of its own, so that
            // seeing the old job's resource in state (check) never settles the new dispatch's entry.
            const digest = extractionDigest(inputs);
            const extraction = replaced.follows === undefined ? digest : `${digest}.after.${replaced.follows}`;
            const earlier = await findEarlierDispatch(inputs, extraction, replaced);
            if (earlier) return earlier;
            const entry = journal.begin(extraction, describeDestination(inputs), clock.now());
            const id = await send(inputs, entry);
            journal.answered(entry, id);
            return { id, how: "dispatched" };
        },
    };
}
