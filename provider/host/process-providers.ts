import { startProviderProcess } from "../lifecycle/provider-process";

// Loaded by the serialized providers (forward-to-host.ts) inside the Pulumi provider host, by package name. The host
// is started as `node <dynamic-provider> <engine address>`; see lifecycle/provider-process.ts for what it runs.
const providers = startProviderProcess(process.argv[2]);

export const processProvider = providers.connectorJob;
export const processCompletionProvider = providers.completion;
