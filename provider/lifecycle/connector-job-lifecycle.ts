import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isImportRead, type ConfigureRequest, type ResourceLifecycle } from "./resource-lifecycle";
import { missingApiKeyMessage, SettingsError, type Settings } from "./settings";
import { UnconfirmedDispatch, type Dispatched, type ReplacedJob } from "../jobs/dispatcher";
import { extractionDigest } from "../jobs/extraction-digest";
import { decideRun, runPolicyNote } from "../jobs/run-policy";
import { describeDestination, describeJob } from "../jobs/job-names";
import { INPUT_FIELDS, type ConnectorJobInputs } from "../fields/connector-job-fields";
import type { JobStatus } from "../fields/status-fields";
import { toJobStatus } from "../fields/status-fields";
import { checkInputs } from "./check-inputs";
import { adoptionConflicts, diffInputs, fieldDiffs, type FieldLevelDiff } from "./diff";
import { withMaskedErrors } from "./masked-errors";
import { NOT_YET_LISTED, pick, plainOutputs, statusOf, wasListed, type ProviderRef } from "./outputs";
import { PartialFailure } from "./partial-failure";
import type { Session } from "./session";

// The ConnectorJob lifecycle, as the engine calls it, in both shells: check validates, create dispatches once (or
// adopts) and returns at once, so that the job's id reaches state before anything else can interrupt the deployment;
// read consults the job list (or, for `pulumi import`, the org's); diff decides what re-dispatches; update never
// dispatches; delete forgets. In both shells a child ConnectorJobCompletion (completion-lifecycle.ts) waits on the
// recorded job when `waitForCompletion` asks for it: the program's ConnectorJob registers it (resource/ in the dynamic
// shell, the plugin's Construct in the other).

/** What create is given: the checked inputs, and the serialized provider the engine adds. */
export type ConnectorJobCreateInputs = ConnectorJobInputs & ProviderRef;

/** What a ConnectorJob keeps in state. */
export type ConnectorJobOutputs = ConnectorJobInputs &
    JobStatus &
    ProviderRef & {
        /** Set only on a resource whose dispatch was never confirmed: since when (its presence is the replace reason). */
        unconfirmedDispatchSince?: string;
    };

export interface LifecycleOptions {
    /** The provider process's session (provider-process.ts): settings, the jobs service, the journal. */
    session: Session;
}

/** The id of a resource kept in state although its dispatch was never confirmed (see UnconfirmedDispatch). */
const UNCONFIRMED_ID_PREFIX = "unconfirmed-dispatch-";

function isUnconfirmed(id: string): boolean {
    return id.startsWith(UNCONFIRMED_ID_PREFIX);
}

/** The outputs for inputs and a status: plain JSON, with the serialized provider kept. */
function outputsOf(inputs: ConnectorJobInputs & ProviderRef, status: JobStatus): ConnectorJobOutputs {
    return plainOutputs({ ...pick(inputs, INPUT_FIELDS), __provider: inputs.__provider }, status);
}

export function createConnectorJobProvider(options: LifecycleOptions): ResourceLifecycle<ConnectorJobCreateInputs, ConnectorJobOutputs> {
    const { session } = options;
    const { log, journal } = session;
    /**
     * What diff learnt of the resources it replaces, for the creates that follow (they see only the new inputs), by
     * extraction: a dispatch never confirmed (its job is looked for first, by the next create of that extraction), and
     * the job a run policy's new one follows (kept for the process: every create of that extraction journals apart).
     */
    const replacing = new Map<string, ReplacedJob>();
    const learnt = (extraction: string, replaced: ReplacedJob) => replacing.set(extraction, { ...replacing.get(extraction), ...replaced });

    async function configure(req: ConfigureRequest): Promise<void> {
        session.configure(req);
    }

    async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult<ConnectorJobCreateInputs>> {
        let settings: Settings;
        try {
            settings = session.settings();
        } catch (err) {
            if (!(err instanceof SettingsError)) throw err;
            return { failures: [{ property: "", reason: err.message }] };
        }
        // The resource is in state: whatever dispatch of its extraction the journal holds is recorded.
        if (olds.connectorId !== undefined) journal.recorded({ extraction: extractionDigest(olds) });
        const outcome = checkInputs(news, settings);
        outcome.warnings.forEach((warning) => log.warn(warning));
        const conflicts = adoptionConflicts(olds, outcome.inputs).map((reason) => ({ property: "", reason }));
        // Preview checks too: a missing key fails the pull request's preview, not the up after the merge.
        const noKey = settings.apiKey ? [] : [{ property: "", reason: missingApiKeyMessage() }];
        const failures = [...outcome.failures, ...conflicts];
        return { inputs: outcome.inputs, failures: [...noKey, ...failures] };
    }

    async function diff(id: string, olds: ConnectorJobOutputs, news: ConnectorJobCreateInputs): Promise<FieldLevelDiff> {
        if (isUnconfirmed(id)) return resumeUnconfirmed(olds, news);
        journal.recorded({ jobId: id });
        const { changes, replaces } = diffInputs(id, olds, news);
        // Most resources have no run policy: the decision clock is read (and its file written) only for those that do.
        const decision = decideRun(news, statusOf(olds), () => session.decisionClock.instantFor(id));
        const note = replaces.length === 0 ? runPolicyNote(describeJob(id, news), decision) : undefined;
        if (note) log.info(note);
        // A new job of the same inputs replaces the resource; its create journals the dispatch as following this job.
        if (decision.rerun) learnt(extractionDigest(news), { follows: id });
        const replacing = decision.rerun ? [...replaces, decision.because] : replaces;
        return { changes: changes || decision.rerun, replaces: replacing, deleteBeforeReplace: false, fieldDiffs: fieldDiffs(olds, news, INPUT_FIELDS, replacing) };
    }

    async function create(inputs: ConnectorJobCreateInputs): Promise<dynamic.CreateResult<ConnectorJobOutputs>> {
        const jobs = session.jobsAt(inputs.baseUrl);
        if (inputs.adoptJobId !== undefined) {
            const job = await jobs.adopt(inputs, inputs.adoptJobId);
            log.info(`${describeJob(job.id, inputs)} adopted: nothing was dispatched`);
            return { id: job.id, outs: handOver(job.id, inputs, toJobStatus(job)) };
        }
        let dispatched: Dispatched;
        try {
            const extraction = extractionDigest(inputs);
            const replaced = replacing.get(extraction);
            if (replaced?.unconfirmedSince !== undefined) replacing.set(extraction, { follows: replaced.follows });
            dispatched = await jobs.dispatch(inputs, replaced);
        } catch (err) {
            if (!(err instanceof UnconfirmedDispatch)) throw err;
            const since = new Date(err.since).toISOString();
            const outputs = { ...outputsOf(inputs, { ...NOT_YET_LISTED, state: "unconfirmed" }), unconfirmedDispatchSince: since };
            throw new PartialFailure(err.message, `${UNCONFIRMED_ID_PREFIX}${since}`, outputs);
        }
        // Nothing more happens here: the sooner create returns, the sooner the engine records the id. (A job found
        // from an earlier run was announced by the dispatcher.)
        const { id, how } = dispatched;
        if (how === "dispatched") log.info(`dispatched ${describeJob(id, inputs)}`);
        return { id, outs: handOver(id, inputs, NOT_YET_LISTED) };
    }

    /**
     * The outputs to hand the job back to the engine with, which records its id: the journal can let the job go when
     * the deployment ends.
     */
    function handOver(id: string, inputs: ConnectorJobCreateInputs, status: JobStatus): ConnectorJobOutputs {
        journal.handedOver(id);
        return outputsOf(inputs, status);
    }

    async function read(id: string, props?: ConnectorJobOutputs): Promise<dynamic.ReadResult<ConnectorJobOutputs>> {
        if (!props || isImportRead(props)) return importJob(id);
        if (isUnconfirmed(id)) {
            log.warn(
                `the dispatch to ${describeDestination(props)} since ${props.unconfirmedDispatchSince} was never confirmed; ` +
                    "the next `pulumi up` looks for its job before dispatching anything",
            );
            return { id, props };
        }
        journal.recorded({ jobId: id });
        const kept = statusOf(props);
        const view = await session.jobsAt(props.baseUrl).find({ id, orgId: props.orgId, connectorId: props.connectorId }, "shared");
        // Read returns no __provider: the engine keeps the one it has.
        const inputs = pick(props, INPUT_FIELDS);
        if (!view) {
            const where = wasListed(kept)
                ? `is no longer in Timbal's job list; keeping its last known status (${kept.state})`
                : "is not in Timbal's job list yet; it keeps the status `dispatched` until it is listed";
            log.warn(`${describeJob(id, props)} ${where}. It stays in the stack until you remove it`);
            return { id, props: plainOutputs(inputs, kept) };
        }
        return { id, props: plainOutputs(inputs, toJobStatus(view)) };
    }

    /**
     * `pulumi import` of a job by its id: the org's job list gives its connector, table and mode, which become the
     * resource's inputs with `adoptJobId` (so that the resource stays pinned to that job). It gives neither the KB's
     * numeric id nor the source: the program adds them, and the next `up` learns them in place (see diff.ts).
     */
    async function importJob(id: string): Promise<dynamic.ReadResult<ConnectorJobOutputs>> {
        const settings = session.settings();
        if (!settings.orgId) throw new SettingsError(`importing job ${id} needs its org: set timbal:orgId (or TIMBAL_ORG_ID) to the org it was dispatched in`);
        const view = await session.jobsAt(settings.baseUrl).findInOrg(id, settings.orgId);
        if (!view) throw new Error(`job ${id} is not in the job list of org "${settings.orgId}": check the id, and that timbal:orgId is the job's org. Nothing was imported`);
        const inputs = { connectorId: view.connector_id, destTable: view.dest_table, mode: view.mode, adoptJobId: id };
        const described = describeJob(id, { ...inputs, kbId: view.kb_uid, orgId: settings.orgId });
        log.warn(
            `imported ${described}. Timbal's job list gives neither its KB's numeric id nor its source table: add \`kbId\` and ` +
                "`source` to the declaration below, and keep `adoptJobId`; the next `pulumi up` records them and dispatches nothing",
        );
        const props = plainOutputs({ ...inputs, orgId: settings.orgId, baseUrl: settings.baseUrl }, toJobStatus(view));
        // Partial by nature until the program adds kbId and source: typed as the outputs it becomes.
        return { id, props: props as ConnectorJobOutputs, inputs: inputs as Partial<ConnectorJobOutputs> as ConnectorJobOutputs };
    }

    async function update(id: string, olds: ConnectorJobOutputs, news: ConnectorJobCreateInputs): Promise<dynamic.UpdateResult<ConnectorJobOutputs>> {
        // Only fields that are not sent to the API change here (or nothing, when the engine resumes a resource whose
        // create or update failed): the job itself is never re-dispatched.
        journal.recorded({ jobId: id });
        return { outs: handOver(id, news, statusOf(olds)) };
    }

    async function forget(id: string, props: ConnectorJobOutputs): Promise<void> {
        if (isUnconfirmed(id)) return;
        journal.recorded({ jobId: id });
        log.info(
            `${describeJob(id, props)} removed from the stack. Timbal has no cancel endpoint: the job was not ` +
                "cancelled, and the data it landed stays in the KB",
        );
    }

    /**
     * A resource whose dispatch was never confirmed is replaced: its new create looks in the job list for the job
     * first, and dispatches only when there is none. Told here, because create sees only the new inputs.
     */
    function resumeUnconfirmed(olds: ConnectorJobOutputs, news: ConnectorJobCreateInputs): FieldLevelDiff {
        const since = Date.parse(String(olds.unconfirmedDispatchSince));
        if (extractionDigest(olds) === extractionDigest(news) && !Number.isNaN(since)) {
            learnt(extractionDigest(news), { unconfirmedSince: since });
        } else {
            log.warn(
                `the dispatch to ${describeDestination(olds)} since ${olds.unconfirmedDispatchSince} was never confirmed, ` +
                    "and the resource has changed since: look in the connector's job list for a job it may have created, which " +
                    "this stack does not track",
            );
        }
        const replaces = ["unconfirmedDispatchSince"];
        return { changes: true, replaces, deleteBeforeReplace: false, fieldDiffs: fieldDiffs(olds, news, INPUT_FIELDS, replaces) };
    }

    return withMaskedErrors(() => session.secret(), { configure, check, diff, create, read, update, delete: forget });
}
