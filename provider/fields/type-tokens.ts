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
    waitForCompletion: `${PACKAGE}:index:WaitForCompletion`,
} as const;
