import { startProviderProcess } from "../lifecycle/provider-process";
import { spellFieldsIn } from "../fields/field-spelling";
import { withProgressNote } from "../support/log";
import { engineLog } from "../support/engine-log";
import { packageVersion } from "./package-version";
import { logInSpelling, programFieldSpelling } from "./program-spelling";
import { pluginSchema } from "./schema";
import { servePlugin } from "./server";

// The `timbal` provider plugin's entry (plugin/index.js runs it): the CLI starts it through the Node.js language
// host's RunPlugin, with the engine's address as its argument, and reads the port it serves on from its first line.

/** What a wait's progress lines say an interruption does: the plugin hears the engine's Cancel (the first Ctrl-C). */
const INTERRUPT_NOTE = "Ctrl-C stops waiting; the next `pulumi up` resumes the wait and dispatches nothing";

export async function main(args: string[]): Promise<void> {
    // Pulumi passes flags (-v=, --logtostderr, --tracing <endpoint>) before or after the engine's address.
    const engineAddress = args.find((arg, i) => !arg.startsWith("-") && args[i - 1] !== "--tracing");
    let secret: () => string | undefined = () => undefined;
    const log = engineAddress ? engineLog(engineAddress, () => [secret()]) : undefined;
    const spelling = programFieldSpelling();
    const { session, connectorJob, completion } = startProviderProcess(engineAddress, {
        log: log && logInSpelling(withProgressNote(log.log, INTERRUPT_NOTE), spelling),
    });
    secret = session.secret;
    const version = packageVersion();
    const { port } = await servePlugin({
        version,
        schema: JSON.stringify(pluginSchema(version)),
        connectorJob,
        completion,
        forResource: log?.forResource ?? ((_urn, call) => call()),
        cancel: () => session.cancel(),
        spelled: (message) => spellFieldsIn(message, spelling),
    });
    console.log(String(port));
}
