import type * as dynamic from "@pulumi/pulumi/dynamic";
import { findAdoptableJob } from "./adopt";
import { PartialFailure } from "./completion";
import { missingApiKeyMessage, SettingsError, type ResolvedSettings } from "./credentials";
import { describeDestination, describeJob } from "./describe";
import { UnconfirmedDispatch } from "./dispatch";
import { checkInputs, INPUT_FIELDS, type ConnectorJobInputs } from "./inputs";
import { redact } from "./redact";
import { adoptionConflicts, diffInputs, extractionDigest } from "./replace";
import { createSession, type Session, type SessionOptions } from "./session";
import { NOT_YET_LISTED, pick, plainOutputs, statusOf, wasListed } from "./status";
import { toJobStatus } from "./wire";

// The ConnectorJob lifecycle: check validates, create dispatches once (or adopts) and returns at once, so that the
// job's id reaches state before anything else can interrupt the deployment; read consults the job list; diff decides
// what re-dispatches; update never dispatches; delete forgets. Waiting is not done here: a ConnectorJobCompletion
// (completion-runtime.ts) waits on the recorded job when `waitForCompletion` asks for it.

export interface RuntimeOptions extends SessionOptions {
    /** The process's shared session; one of its own when absent. */
    session?: Session;
}

/** The id of a resource kept in state although its dispatch was never confirmed (see UnconfirmedDispatch). */
const UNCONFIRMED_ID_PREFIX = "unconfirmed-dispatch-";
/** The output that records since when such a dispatch is unconfirmed; its presence is the replace reason. */
const UNCONFIRMED_FIELD = "unconfirmedDispatchSince";

function isUnconfirmed(id: string): boolean {
    return id.startsWith(UNCONFIRMED_ID_PREFIX);
}

function inputsOf(props: Record<string, unknown>): Record<string, unknown> {
    return pick(props, INPUT_FIELDS);
}

/** Errors leave the provider with the key masked, whatever produced them. */
export function guarded<A extends unknown[], R>(session: Session, method: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
        try {
            return await method(...args);
        } catch (err) {
            const message = redact((err as Error)?.message ?? String(err), [session.secret()]);
            if (err instanceof PartialFailure) throw new PartialFailure(message, err.id, err.properties);
            throw new Error(message);
        }
    };
}

export function createConnectorJobProvider(options: RuntimeOptions = {}): Required<dynamic.ResourceProvider> {
    const session = options.session ?? createSession(options);
    const { log, journal } = session;
    const guard = <A extends unknown[], R>(method: (...args: A) => Promise<R>) => guarded(session, method);

    return {
        async configure(req) {
            session.configure(req);
        },

        check: guard(async (olds, news) => {
            let resolved: ResolvedSettings;
            try {
                resolved = session.settings();
            } catch (err) {
                if (!(err instanceof SettingsError)) throw err;
                return { inputs: news, failures: [{ property: "", reason: err.message }] };
            }
            // The resource is in state: whatever dispatch of its extraction the journal holds is recorded.
            if (olds.connectorId !== undefined) journal.recorded({ extraction: extractionDigest(olds) });
            const outcome = checkInputs(news, { orgId: resolved.orgId, baseUrl: resolved.baseUrl });
            outcome.warnings.forEach((warning) => log.warn(warning));
            const conflicts = adoptionConflicts(olds, outcome.inputs).map((reason) => ({ property: "", reason }));
            // Preview checks too: a missing key fails the pull request's preview, not the up after the merge.
            const noKey = resolved.apiKey ? [] : [{ property: "", reason: missingApiKeyMessage() }];
            return { inputs: outcome.inputs, failures: [...noKey, ...outcome.failures, ...conflicts] };
        }),

        diff: guard(async (id, olds, news) => {
            if (isUnconfirmed(id)) return resumeUnconfirmed(olds, news);
            journal.recorded({ jobId: id });
            const { changes, replaces } = diffInputs(id, olds, news);
            return { changes, replaces, deleteBeforeReplace: false };
        }),

        create: guard(async (inputs: ConnectorJobInputs) => {
            const { lists, dispatcher } = session.apiFor(inputs.baseUrl);
            const record = inputs as unknown as Record<string, unknown>;
            const outputs = (status = NOT_YET_LISTED) => plainOutputs({ ...inputsOf(record), __provider: record.__provider }, status);
            if (inputs.adoptJobId !== undefined) {
                const job = await findAdoptableJob(lists, { ...inputs, adoptJobId: inputs.adoptJobId });
                dispatcher.claim(job.id);
                log.info(`${describeJob(job.id, inputs)} adopted: nothing was dispatched`);
                return { id: job.id, outs: outputs(toJobStatus(job)) };
            }
            try {
                const { id, how } = await dispatcher.dispatch(inputs);
                // Nothing more happens here: the sooner create returns, the sooner the engine records the id. (A job
                // found from an earlier run was announced by the dispatcher: nothing was dispatched now.)
                if (how === "dispatched") log.info(`dispatched ${describeJob(id, inputs)}`);
                return { id, outs: outputs() };
            } catch (err) {
                if (!(err instanceof UnconfirmedDispatch)) throw err;
                const since = new Date(err.since).toISOString();
                throw new PartialFailure(err.message, `${UNCONFIRMED_ID_PREFIX}${since}`, {
                    ...outputs({ ...NOT_YET_LISTED, state: "unconfirmed" }),
                    [UNCONFIRMED_FIELD]: since,
                });
            }
        }),

        read: guard(async (id, props: Record<string, unknown>) => {
            const inputs = inputsOf(props);
            const kept = statusOf(props);
            if (isUnconfirmed(id)) {
                log.warn(
                    `the dispatch to ${describeDestination(props)} since ${String(props[UNCONFIRMED_FIELD])} was never confirmed; ` +
                        "the next `pulumi up` looks for its job before dispatching anything",
                );
                return { id, props };
            }
            journal.recorded({ jobId: id });
            const { lists } = session.apiFor(String(props.baseUrl));
            const view = await lists.find(String(props.orgId), String(props.connectorId), id);
            if (!view) {
                const where = wasListed(kept)
                    ? `is no longer in Timbal's job list; keeping its last known status (${kept.state})`
                    : "is not in Timbal's job list yet; it keeps the status `dispatched` until it is listed";
                log.warn(`${describeJob(id, props)} ${where}. It stays in the stack until you remove it`);
                return { id, props: plainOutputs(inputs, kept) };
            }
            return { id, props: plainOutputs(inputs, toJobStatus(view)) };
        }),

        update: guard(async (id, olds: Record<string, unknown>, news: Record<string, unknown>) => {
            // Only fields that are not sent to the API change here (or nothing, when the engine resumes a resource
            // whose create or update failed): the job itself is never re-dispatched.
            journal.recorded({ jobId: id });
            return { outs: plainOutputs({ ...inputsOf(news), __provider: news.__provider }, statusOf(olds)) };
        }),

        delete: guard(async (id, props: Record<string, unknown>) => {
            if (isUnconfirmed(id)) return;
            journal.recorded({ jobId: id });
            log.info(
                `${describeJob(id, props)} removed from the stack. Timbal has no cancel endpoint: the job was not ` +
                    "cancelled, and the data it landed stays in the KB",
            );
        }),
    };

    /**
     * A resource whose dispatch was never confirmed is replaced: its new create looks in the job list for the job
     * first, and dispatches only when there is none. Told here, because create sees only the new inputs.
     */
    function resumeUnconfirmed(olds: Record<string, unknown>, news: Record<string, unknown>): dynamic.DiffResult {
        const since = Date.parse(String(olds[UNCONFIRMED_FIELD]));
        if (extractionDigest(olds) === extractionDigest(news) && !Number.isNaN(since)) {
            session.unconfirmed.set(extractionDigest(news), since);
        } else {
            log.warn(
                `the dispatch to ${describeDestination(olds)} since ${String(olds[UNCONFIRMED_FIELD])} was never confirmed, ` +
                    "and the resource has changed since: look in the connector's job list for a job it may have created, which " +
                    "this stack does not track",
            );
        }
        return { changes: true, replaces: [UNCONFIRMED_FIELD], deleteBeforeReplace: false };
    }
}
