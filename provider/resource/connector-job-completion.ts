import * as pulumi from "@pulumi/pulumi";
import completionProvider = require("../host/completion-provider");
import { COMPLETION_FIELDS, type CompletionInputs } from "../fields/completion-fields";
import type { ArgsOf, OutputsOf } from "../fields/field-declaration";
import { registration } from "./registration";
import { PACKAGE, TYPE_NAMES } from "../fields/type-tokens";
import { JOB_STATUS_FIELDS, type JobStatus } from "../fields/status-fields";

/** What a ConnectorJobCompletion waits on: the job its ConnectorJob recorded, and how long and how often. */
export type ConnectorJobCompletionArgs = ArgsOf<typeof COMPLETION_FIELDS>;

/**
 * Waits for a ConnectorJob's job to finish. ConnectorJob adds one as its child when `waitForCompletion` is set, so
 * that the job's id is in state before the wait starts: an interrupted wait is resumed by the next `pulumi up`, and
 * never dispatches the job again. Its outputs are the job's final status.
 */
export class ConnectorJobCompletion extends pulumi.dynamic.Resource {
    constructor(name: string, args: ConnectorJobCompletionArgs, opts?: pulumi.CustomResourceOptions) {
        const registering = registration({ kind: "completion", name }, JOB_STATUS_FIELDS, args, opts);
        try {
            super(completionProvider, name, registering.props, registering.opts, PACKAGE, TYPE_NAMES.completion);
        } finally {
            registering.done();
        }
    }
}

/** Its outputs: its inputs, then the job's final status. */
export interface ConnectorJobCompletion extends OutputsOf<CompletionInputs & JobStatus> {}
