// The public surface: what a Pulumi program imports.
export { ConnectorJob } from "./resource";
export type { ConnectorJobArgs, SourceArgs, PacingArgs, JsonValue } from "./resource";
export { connectorJobProvider } from "./provider";
export type { Mode, Placement, SourceKind } from "./inputs";
