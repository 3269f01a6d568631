import type * as dynamic from "@pulumi/pulumi/dynamic";
import { isImportRead, type ConfigureRequest, type ResourceLifecycle } from "./resource-lifecycle";
import { COMPLETION_FIELDS, COMPLETION_INPUT_FIELDS, type CompletionInputs } from "../fields/completion-fields";
import { namesWhere } from "../fields/field-declaration";
import { toJobStatus, type JobStatus } from "../fields/status-fields";
import { changedFields, fieldDiffs, type FieldLevelDiff } from "./diff";
import { withMaskedErrors } from "./masked-errors";
import { pick, plainOutputs, statusOf, type ProviderRef } from "./outputs";
import type { Session } from "./session";
import { completed } from "./wait-for-completion";

// The ConnectorJobCompletion lifecycle: waiting on a job that its ConnectorJob has already recorded in state. Waiting
// is a step of its own so that an interrupted wait costs nothing: the job's id is in state before the wait starts,
// and the next `pulumi up` only creates (or updates) this resource again, which waits on the same job again.

export type CompletionCreateInputs = CompletionInputs & ProviderRef;
export type CompletionOutputs = CompletionInputs & JobStatus & ProviderRef;

/** A change to any of these is another job to wait on. */
const JOB_FIELDS = namesWhere(COMPLETION_FIELDS, "replace");
/** These change what the wait does or says. */
const WAIT_FIELDS = namesWhere(COMPLETION_FIELDS, "in-place");

export function createCompletionProvider(session: Session): ResourceLifecycle<CompletionCreateInputs, CompletionOutputs> {
    /** Outputs after waiting when `waitForCompletion` asks for it; a failed or unfinished job is a PartialFailure. */
    function completion(inputs: CompletionCreateInputs, status: JobStatus | undefined): Promise<CompletionOutputs> {
        const outputs = (s: JobStatus) => plainOutputs({ ...pick(inputs, COMPLETION_INPUT_FIELDS), __provider: inputs.__provider }, s);
        return completed(session.jobsAt(inputs.baseUrl), inputs, status, outputs);
    }

    async function configure(req: ConfigureRequest): Promise<void> {
        session.configure(req);
    }

    async function check(_olds: CompletionCreateInputs, news: CompletionCreateInputs): Promise<dynamic.CheckResult<CompletionCreateInputs>> {
        // ConnectorJob passes its own checked outputs; only the job's id can be missing (or not known yet).
        const { jobId } = news;
        // The program knows the job's id only once the engine has recorded it: the journal can let it go.
        if (typeof jobId === "string") session.journal.recorded({ jobId });
        const failures = typeof jobId === "string" && jobId !== "" ? [] : [{ property: "", reason: "jobId: is required: the id of the ConnectorJob's job to wait on" }];
        return { inputs: news, failures };
    }

    async function diff(_id: string, olds: CompletionOutputs, news: CompletionCreateInputs): Promise<FieldLevelDiff> {
        const replaces = changedFields(olds, news, JOB_FIELDS);
        const changes = fieldDiffs(olds, news, [...JOB_FIELDS, ...WAIT_FIELDS], replaces);
        return { changes: changes.length > 0, replaces, deleteBeforeReplace: false, fieldDiffs: changes };
    }

    async function create(inputs: CompletionCreateInputs): Promise<dynamic.CreateResult<CompletionOutputs>> {
        return { id: inputs.jobId, outs: await completion(inputs, undefined) };
    }

    async function read(id: string, props?: CompletionOutputs): Promise<dynamic.ReadResult<CompletionOutputs>> {
        if (!props || isImportRead(props)) throw new Error(`ConnectorJobCompletion ${id} cannot be read without its properties: it is not imported, its ConnectorJob is`);
        const view = await session.jobsAt(props.baseUrl).find({ id: props.jobId, orgId: props.orgId, connectorId: props.connectorId }, "shared");
        return { id, props: plainOutputs(pick(props, COMPLETION_INPUT_FIELDS), view ? toJobStatus(view) : statusOf(props)) };
    }

    async function update(_id: string, olds: CompletionOutputs, news: CompletionCreateInputs): Promise<dynamic.UpdateResult<CompletionOutputs>> {
        // A wait that failed or timed out, resumed; or new wait settings. A finished job is not waited on again.
        return { outs: await completion(news, statusOf(olds)) };
    }

    async function forget(): Promise<void> {
        // Nothing to undo: waiting changed nothing in Timbal.
    }

    return withMaskedErrors(() => session.secret(), { configure, check, diff, create, read, update, delete: forget });
}
