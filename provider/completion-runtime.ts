import type * as dynamic from "@pulumi/pulumi/dynamic";
import { settle, waitOptions } from "./completion";
import { describeJob } from "./describe";
import type { WaitForCompletion } from "./inputs";
import { changedFields } from "./replace";
import { guarded } from "./runtime";
import type { Session } from "./session";
import { NOT_YET_LISTED, pick, plainOutputs, statusOf } from "./status";
import { toJobStatus, type JobStatus } from "./wire";

// The ConnectorJobCompletion lifecycle: waiting on a job that its ConnectorJob has already recorded in state. Waiting
// is a step of its own so that an interrupted wait costs nothing: the job's id is in state before the wait starts,
// and the next `pulumi up` only creates (or updates) this resource again, which waits on the same job again.

/** What the completion is created with (by ConnectorJob, from its own outputs). */
export interface CompletionInputs {
    jobId: string;
    orgId: string;
    connectorId: string;
    baseUrl: string;
    kbId: number;
    destTable: string;
    waitForCompletion?: WaitForCompletion;
}

const COMPLETION_INPUT_FIELDS: ReadonlyArray<keyof CompletionInputs> = [
    "jobId",
    "orgId",
    "connectorId",
    "baseUrl",
    "kbId",
    "destTable",
    "waitForCompletion",
];
/** A change to any of these is another job to wait on. */
const JOB_FIELDS: ReadonlyArray<keyof CompletionInputs> = ["jobId", "orgId", "connectorId", "baseUrl"];

export function createCompletionProvider(session: Session): Required<dynamic.ResourceProvider> {
    const guard = <A extends unknown[], R>(method: (...args: A) => Promise<R>) => guarded(session, method);

    /** Outputs after waiting when `waitForCompletion` asks for it; a failed or unfinished job is a PartialFailure. */
    async function completed(props: Record<string, unknown>, status: JobStatus | undefined): Promise<Record<string, unknown>> {
        const inputs = props as unknown as CompletionInputs;
        const outputs = (s: JobStatus) => plainOutputs({ ...pick(props, COMPLETION_INPUT_FIELDS), __provider: props.__provider }, s);
        const { lists, waiter } = session.apiFor(inputs.baseUrl);
        const job = { id: inputs.jobId, orgId: inputs.orgId, connectorId: inputs.connectorId, label: describeJob(inputs.jobId, inputs) };
        const wait = waitOptions(inputs.waitForCompletion);
        if (!wait) {
            // Nothing to wait for: the job's current status, when the list can tell it.
            const view = await lists.find(job.orgId, job.connectorId, job.id).catch(() => undefined);
            return outputs(view ? toJobStatus(view) : (status ?? NOT_YET_LISTED));
        }
        return settle({ waiter, job, options: wait, status: status ?? NOT_YET_LISTED, outputs });
    }

    return {
        async configure(req) {
            session.configure(req);
        },

        check: guard(async (_olds, news) => {
            // The program knows the job's id only once the engine has recorded it: the journal can let it go.
            if (typeof news.jobId === "string") session.journal.recorded({ jobId: news.jobId });
            const failures =
                typeof news.jobId === "string" && news.jobId !== ""
                    ? []
                    : [{ property: "", reason: "jobId: is required: the id of the ConnectorJob's job to wait on" }];
            return { inputs: news, failures };
        }),

        diff: guard(async (_id, olds, news) => {
            const replaces = changedFields(olds, news, JOB_FIELDS);
            const updates = changedFields(olds, news, ["waitForCompletion", "kbId", "destTable"]);
            return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
        }),

        create: guard(async (inputs: Record<string, unknown>) => {
            return { id: String(inputs.jobId), outs: await completed(inputs, undefined) };
        }),

        read: guard(async (id, props: Record<string, unknown>) => {
            const { lists } = session.apiFor(String(props.baseUrl));
            const view = await lists.find(String(props.orgId), String(props.connectorId), String(props.jobId));
            const status = view ? toJobStatus(view) : statusOf(props);
            return { id, props: plainOutputs(pick(props, COMPLETION_INPUT_FIELDS), status) };
        }),

        update: guard(async (_id, olds: Record<string, unknown>, news: Record<string, unknown>) => {
            // A wait that failed or timed out, resumed; or new wait settings. A finished job is not waited on again.
            return { outs: await completed(news, statusOf(olds)) };
        }),

        delete: guard(async () => {
            // Nothing to undo: waiting changed nothing in Timbal.
        }),
    };
}
