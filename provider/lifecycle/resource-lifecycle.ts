import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { FieldLevelDiff } from "./diff";

// The contract both shells call on the lifecycle of a resource type (connector-job-lifecycle.ts,
// completion-lifecycle.ts): Pulumi's dynamic-provider methods, which the dynamic provider host calls as they are
// (host/), and which the plugin's gRPC service calls with the engine's requests turned into the same arguments
// (plugin/server.ts).

/** What configure reads: each stack setting by its config key (`timbal:apiKey`). */
export interface ConfigureRequest {
    config: { get(key: string): string | undefined };
}

/**
 * Read with no properties means import: the engine reads a resource it has no state of, `pulumi import` of a job by
 * its id. (The dynamic provider host never imports; the plugin passes the engine's empty properties as they come.)
 */
export function isImportRead(props: object | undefined): boolean {
    return props === undefined || Object.keys(props).length === 0;
}

export interface ResourceLifecycle<I = any, O = any> {
    configure(req: ConfigureRequest): Promise<void>;
    check(olds: Record<string, any>, news: Record<string, any>): Promise<dynamic.CheckResult<I>>;
    /** What changes, and the field paths that do (the plugin hands those to the engine as its detailed diff). */
    diff(id: string, olds: O, news: I): Promise<FieldLevelDiff>;
    create(inputs: I): Promise<dynamic.CreateResult<O>>;
    /** `props`: the resource's outputs in state; none at all (isImportRead): an import, whose result has its `inputs`. */
    read(id: string, props?: O): Promise<dynamic.ReadResult<O> & { inputs?: Record<string, unknown> }>;
    update(id: string, olds: O, news: I): Promise<dynamic.UpdateResult<O>>;
    delete(id: string, props: O): Promise<void>;
}
