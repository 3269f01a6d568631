import { field, keysOf, type CheckedOf } from "./field-declaration";
import { CONNECTOR_JOB_FIELDS, type ConnectorJobInputs } from "./connector-job-fields";
import { JOB_STATUS_FIELDS } from "./status-fields";
import { integer, text } from "./validators";

// Every ConnectorJobCompletion input, declared once, and how a ConnectorJob makes its completion, in both shells: its
// name, its inputs (from the job's own outputs, so the job's fields are the job's: their validation ran in the job's
// check; jobId is what the completion waits on), and what of the program's options it takes.

export const COMPLETION_FIELDS = {
    jobId: field(text("the id of the ConnectorJob's job to wait on"), {
        doc: "the job to wait on",
        onChange: "replace",
    }),
    orgId: field(text("the job's org"), { doc: "the job's org", onChange: "replace" }),
    connectorId: field(text("the job's connector"), { doc: "the job's connector", onChange: "replace" }),
    baseUrl: field(text("the API endpoint the job lives at"), { doc: "the API endpoint the job lives at", onChange: "replace" }),
    kbId: field(integer("the job's KB", 1), { doc: "the job's KB, for messages", onChange: "in-place" }),
    destTable: field(text("the job's table"), { doc: "the job's table, for messages", onChange: "in-place" }),
    waitForCompletion: field(CONNECTOR_JOB_FIELDS.waitForCompletion.schema, {
        doc: CONNECTOR_JOB_FIELDS.waitForCompletion.doc,
        onChange: "in-place",
    }),
};

/** What the completion is created with (by ConnectorJob, from its own outputs). */
export type CompletionInputs = CheckedOf<typeof COMPLETION_FIELDS>;

export const COMPLETION_INPUT_FIELDS: ReadonlyArray<keyof CompletionInputs> = keysOf(COMPLETION_FIELDS);

/** The job's fields a completion is created with, under the same names (besides them: jobId, waitForCompletion). */
const FIELDS_FROM_JOB = ["orgId", "connectorId", "baseUrl", "kbId", "destTable"] as const satisfies ReadonlyArray<keyof CompletionInputs & keyof ConnectorJobInputs>;
type FieldFromJob = (typeof FIELDS_FROM_JOB)[number];

/** A completion's inputs from its job: the job's id, its values (Outputs in a program, plain values elsewhere), the wait. */
export function completionInputsOf<I, J extends { [K in FieldFromJob]: unknown }, W>(jobId: I, job: J, waitForCompletion: W) {
    const fromJob = Object.fromEntries(FIELDS_FROM_JOB.map((name) => [name, job[name]])) as Pick<J, FieldFromJob>;
    return { jobId, ...fromJob, waitForCompletion };
}

/**
 * Whether a job gets a completion: unless the program said plainly not to wait. A value known only later (an Output, or
 * unknown in a preview) gets a completion, which does not wait if the value turns out to say so.
 */
export function mayWait(waitForCompletion: unknown): boolean {
    return waitForCompletion !== undefined && waitForCompletion !== null && waitForCompletion !== false;
}

/** A job's completion: its child, named after it. */
export function completionName(jobName: string): string {
    return `${jobName}-completion`;
}

/** The resource options of a job that concern its completion, as the program gave them (`deletedWith`: a resource, or its URN). */
export interface JobOptions<R> {
    protect?: boolean;
    retainOnDelete?: boolean;
    deletedWith?: R;
    additionalSecretOutputs?: ReadonlyArray<string>;
    customTimeouts?: { create?: string; update?: string; delete?: string };
}

/**
 * The options a job's completion takes from the job's, in both shells: it is protected, retained on delete and deleted
 * with a resource as its job is, and keeps secret the status outputs the program marks secret on the job
 * (completionSecretOutputs). (`ignoreChanges` reaches it through its inputs, which are the job's outputs; `aliases`,
 * `dependsOn`, `provider` and the rest concern the job alone.)
 */
export function completionOptionsOf<R>(job: JobOptions<R> | undefined): Omit<JobOptions<R>, "customTimeouts" | "additionalSecretOutputs"> & { additionalSecretOutputs: string[] } {
    return {
        ...(job?.protect !== undefined && { protect: job.protect }),
        ...(job?.retainOnDelete !== undefined && { retainOnDelete: job.retainOnDelete }),
        ...(job?.deletedWith !== undefined && { deletedWith: job.deletedWith }),
        additionalSecretOutputs: completionSecretOutputs(job?.additionalSecretOutputs),
    };
}

/**
 * A create or update timeout (customTimeouts) on a job that waits is refused, in both shells: it would bound the
 * dispatch, not the wait, and Pulumi's dynamic provider host passes no timeout to a provider at all. The wait's own
 * bound is `waitForCompletion.timeoutSeconds`. (The Go SDK, and so YAML, always sends customTimeouts, empty when the
 * program sets none: only a value counts. A delete timeout concerns nothing that waits.) Undefined when there is
 * nothing to refuse.
 */
export function customTimeoutsRefusal(jobName: string, job: JobOptions<unknown> | undefined, waitForCompletion: unknown): string | undefined {
    if (!job?.customTimeouts?.create && !job?.customTimeouts?.update) return undefined;
    if (!mayWait(waitForCompletion)) return undefined;
    return (
        `${jobName}: customTimeouts does not bound a job's wait (its create only dispatches the job, and the wait is its ` +
        "completion's). Remove customTimeouts and set waitForCompletion.timeoutSeconds to the wait's limit in seconds"
    );
}

/**
 * Of the outputs a program marks secret on a job (`additionalSecretOutputs`), those its completion marks secret too:
 * the status outputs, which the program reads from the completion. (The completion's other fields are the job's
 * outputs, secret already where the job's are.)
 */
export function completionSecretOutputs(jobSecretOutputs: ReadonlyArray<string> | undefined): string[] {
    return (jobSecretOutputs ?? []).filter((name) => (JOB_STATUS_FIELDS as ReadonlyArray<string>).includes(name));
}

/**
 * A job that waits shows its completion's status: the final one. Each status output of `job` becomes the completion's
 * (one the completion does not have goes), in both shells: on the program's ConnectorJob object (TypeScript), and in
 * the state the plugin hands the program for its component.
 */
export function takeCompletionStatus(job: object, completion: object): void {
    for (const field of JOB_STATUS_FIELDS) {
        if (field in completion) Object.assign(job, { [field]: (completion as Record<string, unknown>)[field] });
        else delete (job as Record<string, unknown>)[field];
    }
}
