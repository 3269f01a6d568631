// The public surface: what a Pulumi program imports.
export { ConnectorJob } from "./resource";
export { ConnectorJobCompletion, type ConnectorJobCompletionArgs } from "./completion-resource";
export type { ConnectorJobArgs, SourceArgs, PacingArgs, WaitForCompletionArgs, JsonValue } from "./resource";
export { connectorJobProvider, completionProvider } from "./provider";
export type { Mode, Placement, SourceKind } from "./inputs";
export { FAILURE_STATES } from "./job-state";
