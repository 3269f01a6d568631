import { startProviderProcess } from "../lifecycle/provider-process";
import type { Session } from "../lifecycle/session";
import { createLog, withProgressNote } from "../support/log";

// Loaded by the serialized providers (forward-to-host.ts) inside the Pulumi provider host, by package name. The host
// is started as `node <dynamic-provider> <engine address>`; see lifecycle/provider-process.ts for what it runs.

/**
 * What a wait's progress lines say an interruption does: Pulumi's dynamic provider host ignores the engine's Cancel,
 * so the first Ctrl-C cannot reach a wait; the second ends the process.
 */
export const INTERRUPT_NOTE = "Ctrl-C twice stops waiting; the next `pulumi up` resumes the wait and dispatches nothing";

let session: Session | undefined;
const providers = startProviderProcess(process.argv[2], { log: withProgressNote(createLog(() => [session?.secret()]), INTERRUPT_NOTE) });
session = providers.session;

export const processProvider = providers.connectorJob;
export const processCompletionProvider = providers.completion;
