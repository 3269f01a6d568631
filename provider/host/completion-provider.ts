import { forwardToHost } from "./forward-to-host";

// The dynamic provider behind ConnectorJobCompletion, as this module's exports: see connector-job-provider.ts.
export = forwardToHost("processCompletionProvider");
