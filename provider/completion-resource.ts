import * as pulumi from "@pulumi/pulumi";
import type { CompletionInputs } from "./completion-runtime";
import completionProvider = require("./completion-provider");
import type { WaitForCompletionArgs } from "./resource";
import { dropStackFrames, registrationOptions } from "./registration";
import { JOB_STATUS_FIELDS } from "./wire";

/** What a ConnectorJobCompletion waits on: the job its ConnectorJob recorded, and how long and how often. */
export type ConnectorJobCompletionArgs = { [K in Exclude<keyof CompletionInputs, "waitForCompletion">]: pulumi.Input<CompletionInputs[K]> } & {
    waitForCompletion?: pulumi.Input<boolean | WaitForCompletionArgs>;
};

/**
 * Waits for a ConnectorJob's job to finish. ConnectorJob adds one as its child when `waitForCompletion` is set, so
 * that the job's id is in state before the wait starts: an interrupted wait is resumed by the next `pulumi up`, and
 * never dispatches the job again. Its outputs are the job's final status.
 */
export class ConnectorJobCompletion extends pulumi.dynamic.Resource {
    declare readonly jobId: pulumi.Output<string>;
    declare readonly state: pulumi.Output<string>;

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
