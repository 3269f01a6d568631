import * as pulumi from "@pulumi/pulumi";
import { JOB_STATUS_FIELDS } from "../fields/status-fields";
import { dynamicType, type ResourceKind } from "../fields/type-tokens";
import { URN_INPUT } from "../host/resource-rows";

// How ConnectorJob and ConnectorJobCompletion register with Pulumi: with a diff a reviewer can read, at a cost to the
// engine close to a no-op dynamic resource (measured with `npm run bench:engine`; see ARCHITECTURE.md, "The dynamic provider in state").

/**
 * What a resource class passes to `super()`: its properties (the program's args, with every output named so that
 * each is registered as an output, and the resource's own URN, which the dynamic shell needs to show a line on its
 * row: host/resource-rows.ts) and its options; `done()` after `super()` (a function cannot wrap `super()`).
 */
export function registration<A extends object, O extends { hideDiffs?: string[]; parent?: pulumi.Resource }>(
    resource: { kind: ResourceKind; name: string },
    outputNames: ReadonlyArray<string>,
    args: A,
    opts: O | undefined,
) {
    const urn = pulumi.createUrn(resource.name, dynamicType(resource.kind), opts?.parent);
    const props = { ...Object.fromEntries(outputNames.map((name) => [name, undefined])), ...args, [URN_INPUT]: urn };
    const options = registrationOptions(opts);
    // Last: nothing between here and the caller's `try` can throw and leave the limit at zero.
    return { props, opts: options, done: dropStackFrames() };
}

/**
 * The resource options to register with. In a preview (`pulumi preview`, and the preview of `pulumi up`), the status
 * outputs are hidden from the diff: they are not inputs, and the engine would list them as removed (`- state`) next
 * to a real change; it prints `~ <field> (hidden)` instead. Only in a preview: the engine stores the option in every
 * resource's state, and at 1000 jobs that cost `pulumi up` a tenth of its time, for a display-only setting.
 */
function registrationOptions<T extends { hideDiffs?: string[] }>(opts: T | undefined): T {
    if (!pulumi.runtime.isDryRun()) return { ...(opts as T) };
    return { ...(opts as T), hideDiffs: [...JOB_STATUS_FIELDS, ...(opts?.hideDiffs ?? [])] };
}

/**
 * Limits stack traces to zero frames; returns what restores the limit.
 *
 * Registering a resource, the SDK creates four promises for each of its properties and records a stack trace on each
 * (`debuggablePromise`), used only to report leaked promises under PULUMI_DEBUG_PROMISE_LEAKS. In a TypeScript
 * program each trace goes through ts-node's source-map support, frame by frame: for ConnectorJob (26 properties,
 * inputs and outputs) that was half of the program's time in `pulumi preview` (--cpu-prof). The resource's own source
 * position is unaffected: the SDK takes it with its own unlimited stack trace.
 */
function dropStackFrames(): () => void {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    return () => {
        Error.stackTraceLimit = limit;
    };
}
