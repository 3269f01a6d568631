import * as pulumi from "@pulumi/pulumi";
import { ConnectorJobCompletion } from "./connector-job-completion";
import type { ArgsOf, OutputsOf } from "../fields/field-declaration";
import { CONNECTOR_JOB_FIELDS, INPUT_FIELDS, type ConnectorJobInputs } from "../fields/connector-job-fields";
import connectorJobProvider = require("../host/connector-job-provider");
import { finishesWith, orderDependentsAfterFinishedJobs } from "./finished-dependencies";
import { registration } from "./registration";
import { PACKAGE, TYPE_NAMES } from "../fields/type-tokens";
import { JOB_STATUS_FIELDS, type JobStatus } from "../fields/status-fields";
import { completionInputsOf, completionName, completionOptionsOf, customTimeoutsRefusal, mayWait, takeCompletionStatus } from "../fields/completion-fields";

/** What a program passes to ConnectorJob: one entry per declared field (fields/connector-job-fields.ts), each may be an Output. */
export type ConnectorJobArgs = ArgsOf<typeof CONNECTOR_JOB_FIELDS>;
export type SourceArgs = ArgsOf<typeof CONNECTOR_JOB_FIELDS.source.fields>;
export type PacingArgs = ArgsOf<typeof CONNECTOR_JOB_FIELDS.pacing.fields>;
export type WaitForCompletionArgs = Exclude<pulumi.Unwrap<ConnectorJobArgs["waitForCompletion"]>, boolean | undefined>;

/** The resource's outputs: every input as resolved by check, then the job's status. */
export type ConnectorJobState = ConnectorJobInputs & JobStatus;

/** Every property the resource exposes, so that each is registered as an output (inputs as resolved, then status). */
const OUTPUT_NAMES: ReadonlyArray<string> = [...INPUT_FIELDS, ...JOB_STATUS_FIELDS];

// Loaded in a program: `dependsOn` on a job that waits orders after the job finished (see finished-dependencies.ts).
orderDependentsAfterFinishedJobs();

/**
 * A Timbal connector extraction job. Creating it dispatches the job once; `pulumi refresh` reads its progress from
 * the job list; a change to what it extracts dispatches a new job; deleting it forgets the job (Timbal cannot cancel).
 * With `waitForCompletion`, a child ConnectorJobCompletion waits for the job once its id is recorded, the status
 * outputs (`state`, `rowsEmitted`, ...) are the completion's (the job's final status), and `dependsOn: [job]` orders
 * a resource after the job finished.
 */
export class ConnectorJob extends pulumi.dynamic.Resource {
    /**
     * The child resource that waits for the job, when `waitForCompletion` is set. `dependsOn: [job]` on such a job
     * already orders a resource after the job finished (as `dependsOn: [job.completion]` does); on a job that does not
     * wait, after its dispatch.
     */
    readonly completion?: ConnectorJobCompletion;

    constructor(name: string, args: ConnectorJobArgs, opts?: pulumi.CustomResourceOptions) {
        orderDependentsAfterFinishedJobs();
        const refused = customTimeoutsRefusal(name, opts, args.waitForCompletion);
        if (refused) throw new Error(refused);
        const registering = registration({ kind: "connectorJob", name }, OUTPUT_NAMES, args, opts);
        try {
            super(connectorJobProvider, name, registering.props, registering.opts, PACKAGE, TYPE_NAMES.connectorJob);
        } finally {
            registering.done();
        }
        if (!mayWait(args.waitForCompletion)) return;
        // Its inputs are the job's outputs (as in the plugin): a change the job ignores (ignoreChanges) the wait ignores too.
        const completion = new ConnectorJobCompletion(completionName(name), completionInputsOf(this.id, this, this.waitForCompletion as pulumi.Output<WaitForCompletionArgs | boolean>), {
            parent: this,
            ...completionOptionsOf(opts),
        });
        this.completion = completion;
        finishesWith(this, completion, opts?.parent);
        takeCompletionStatus(this, completion);
    }
}

/** Its outputs, one per declared field (merged into the class: each is registered as an output in the constructor). */
export interface ConnectorJob extends OutputsOf<ConnectorJobState> {}
