// The public surface: what a Pulumi program imports.
export { ConnectorJob } from "./resource";
export { ConnectorJobCompletion, type ConnectorJobCompletionArgs } from "./completion-resource";
export type { ConnectorJobArgs, SourceArgs, PacingArgs, WaitForCompletionArgs, JsonValue } from "./resource";
import connectorJobProvider = require("./connector-job-provider");
import completionProvider = require("./completion-provider");
export { connectorJobProvider, completionProvider };
export type { Mode, Placement, SourceKind } from "./inputs";
export { FAILURE_STATES } from "./job-state";
