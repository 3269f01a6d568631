import type { ConnectorJobInputs } from "./connector-job-fields";

// The resources' type tokens, in both shells. The dynamic shell's are built by the SDK from the module and the type
// name (`pulumi-nodejs:dynamic/<module>:<name>`); the provider plugin's are `<package>:index:<name>`.

/** The package name: the plugin's name, the config namespace (`timbal:apiKey`), the dynamic resources' module. */
export const PACKAGE = "timbal";

export const TYPE_NAMES = { connectorJob: "ConnectorJob", completion: "ConnectorJobCompletion" } as const;
export type ResourceKind = keyof typeof TYPE_NAMES;

/** A resource's type token in the provider plugin. */
export function pluginType(kind: ResourceKind): string {
    return `${PACKAGE}:index:${TYPE_NAMES[kind]}`;
}

/** A resource's type token in the dynamic provider. */
export function dynamicType(kind: ResourceKind): string {
    return `pulumi-nodejs:dynamic/${PACKAGE}:${TYPE_NAMES[kind]}`;
}

/** The plugin schema's named object types (`#/types/<token>`). */
export const OBJECT_TYPES = {
    source: `${PACKAGE}:index:ConnectorJobSource`,
    pacing: `${PACKAGE}:index:ConnectorJobPacing`,
    waitForCompletion: `${PACKAGE}:index:ConnectorJobWaitForCompletion`,
} as const;

/** The type a dynamic resource had when registered without a module (the earliest releases): told by its fields. */
const MODULELESS_DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";
/** The fields that tell such a ConnectorJob apart from other dynamic resources. */
const IDENTIFYING_FIELDS = ["connectorId", "destTable", "source"] as const satisfies ReadonlyArray<keyof ConnectorJobInputs>;

/**
 * Whether a resource (its type token, and its inputs or properties) is a ConnectorJob, in either shell: the one
 * definition that `timbal-plan` and the policy pack use.
 */
export function isConnectorJob(type: string, props: Record<string, unknown> = {}): boolean {
    if (type === dynamicType("connectorJob") || type === pluginType("connectorJob")) return true;
    return type === MODULELESS_DYNAMIC_TYPE && IDENTIFYING_FIELDS.every((field) => field in props);
}

/** Whether a resource is a ConnectorJobCompletion (in either shell): part of its job, never a change of its own. */
export function isCompletion(type: string): boolean {
    return type === dynamicType("completion") || type === pluginType("completion");
}
