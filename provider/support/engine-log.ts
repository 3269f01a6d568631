import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import { AsyncLocalStorage } from "async_hooks";
import type { ProviderLog } from "./log";
import { grpc } from "./sdk-modules";
import { redact } from "./redact";

// The provider's log lines go to the engine's Log service, which the CLI shows, each on the row of the resource whose
// call wrote it: a line of a call gets the call's URN (each shell tells which: the plugin from the engine's request,
// the dynamic shell from the URN its program passes), and a wait's progress lines are ephemeral (its row's status
// column in `pulumi up`, not the diagnostics). Both shells' processes are started with the engine's address. Every
// line passes through redaction first.


export interface EngineLog {
    log: ProviderLog;
    /** Runs a resource's call so that its lines go to that resource's row. */
    forResource<T>(urn: string, call: () => Promise<T>): Promise<T>;
}

/** A log that writes to the engine at `engineAddress`, masking the given secrets (read at write time). */
export function engineLog(engineAddress: string, secrets: () => ReadonlyArray<string | undefined>): EngineLog {
    const engine = new engrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
    const currentUrn = new AsyncLocalStorage<string>();
    const send = (severity: engproto.LogSeverity, message: string, urn = currentUrn.getStore(), ephemeral = false) => {
        const request = new engproto.LogRequest().setSeverity(severity).setMessage(`timbal: ${redact(message, secrets())}`).setEphemeral(ephemeral);
        if (urn) request.setUrn(urn);
        engine.log(request, () => {
            // A line the engine could not take (it is shutting down) is not worth failing the call for.
        });
    };
    return {
        log: {
            info: (message) => send(engproto.LogSeverity.INFO, message),
            warn: (message) => send(engproto.LogSeverity.WARNING, message),
            progressReporter() {
                const urn = currentUrn.getStore();
                return (line) => send(engproto.LogSeverity.INFO, line, urn, true);
            },
        },
        forResource: (urn, call) => currentUrn.run(urn, call),
    };
}
