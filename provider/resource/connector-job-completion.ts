import * as pulumi from "@pulumi/pulumi";
import completionProvider = require("../host/completion-provider");
import { COMPLETION_FIELDS, type CompletionInputs } from "../fields/completion-fields";
import type { ArgsOf, OutputsOf } from "../fields/field-declaration";
import { dropStackFrames, registrationOptions } from "./registration";
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
        const outputs = Object.fromEntries(JOB_STATUS_FIELDS.map((key) => [key, undefined]));
        const restoreStackFrames = dropStackFrames();
        try {
            super(completionProvider, name, { ...outputs, ...args }, registrationOptions(opts), "timbal", "ConnectorJobCompletion");
        } finally {
            restoreStackFrames();
        }
    }
}

/** Its outputs: its inputs, then the job's final status. */
export interface ConnectorJobCompletion extends OutputsOf<CompletionInputs & JobStatus> {}
