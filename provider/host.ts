import { createConnectorJobProvider } from "./runtime";

// Loaded by the serialized provider (provider.ts) inside the Pulumi provider host, by package name. The host serves
// one deployment, so one provider per process; configure sets its credentials once.
export const processProvider = createConnectorJobProvider();
