// The public surface: what a Pulumi program imports.
export { ConnectorJob } from "./resource/connector-job";
export { ConnectorJobCompletion, type ConnectorJobCompletionArgs } from "./resource/connector-job-completion";
export type { ConnectorJobArgs, ConnectorJobState, SourceArgs, PacingArgs, WaitForCompletionArgs } from "./resource/connector-job";
export type { JsonValue } from "./fields/validators";
import connectorJobProvider = require("./host/connector-job-provider");
import completionProvider = require("./host/completion-provider");
export { connectorJobProvider, completionProvider };
export type { Mode, Placement, SourceKind } from "./fields/connector-job-fields";
export type { JobStatus } from "./fields/status-fields";
export { FAILURE_STATES } from "./jobs/terminal-states";
export { isConnectorJob } from "./fields/type-tokens";
export {
    asReviewedJob,
    JOB_RULES,
    readsGently,
    ruleConfig,
    ruleEnforcement,
    PolicyConfigError,
    type Enforcement,
    STACK_RULES,
    type JobRule,
    type ReviewedJob,
    type RuleConfig,
    type StackRule,
} from "./review/policy-rules";
