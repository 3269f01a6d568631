import { startProviderProcess } from "../lifecycle/provider-process";
import type { Session } from "../lifecycle/session";
import { engineLog } from "../support/engine-log";
import { createLog, withProgressNote } from "../support/log";
import { onResourceRows } from "./resource-rows";

// Loaded by the serialized providers (forward-to-host.ts) inside the Pulumi provider host, by package name. The host
// is started as `node <dynamic-provider> <engine address>`; see lifecycle/provider-process.ts for what it runs. Its
// lines go to the engine, each on its resource's row (resource-rows.ts), as the plugin's do.

/**
 * What a wait's progress lines say an interruption does: Pulumi's dynamic provider host ignores the engine's Cancel,
 * so the first Ctrl-C cannot reach a wait; the second ends the process.
 */
const INTERRUPT_NOTE = "Ctrl-C twice stops waiting; the next `pulumi up` resumes the wait and dispatches nothing";

const engineAddress = process.argv[2];
let session: Session | undefined;
const secrets = () => [session?.secret()];
const engine = engineAddress ? engineLog(engineAddress, secrets) : undefined;
const providers = startProviderProcess(engineAddress, { log: withProgressNote(engine?.log ?? createLog(secrets), INTERRUPT_NOTE) });
session = providers.session;
const onRow = <T>(urn: string | undefined, call: () => Promise<T>) => (engine && urn ? engine.forResource(urn, call) : call());

export const processProvider = onResourceRows(providers.connectorJob, onRow);
export const processCompletionProvider = onResourceRows(providers.completion, onRow);
