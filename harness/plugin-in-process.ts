import * as grpc from "@grpc/grpc-js";
import type { Emulator } from "../emulator";
import { createSession } from "../provider/lifecycle/session";
import type { SharingOptions } from "../provider/jobs/job-lists";
import { createCompletionProvider } from "../provider/lifecycle/completion-lifecycle";
import { createConnectorJobProvider } from "../provider/lifecycle/connector-job-lifecycle";
import { servePlugin } from "../provider/plugin/server";
import { emptyHome, ORG } from "./fixtures";
import { recordArtifact } from "./secret-guard";

// The plugin's gRPC service (provider/plugin/server.ts, construct.ts, secret-values.ts) in this process, in seconds,
// as the CLI suites run it through the real engine in minutes. A stand-in engine holds the other end: its resource
// monitor registers what Construct asks for the way the engine does for a custom resource of this provider (the
// provider's Check, then its Create, and the outputs back) and keeps every request, so that a test can read the
// options Construct passed on.

const provproto = require("@pulumi/pulumi/proto/provider_pb");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const { ResourceMonitorService } = require("@pulumi/pulumi/proto/resource_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const PROVIDER_URN = "urn:pulumi:test::plugin::pulumi:providers:timbal::default";
const PROVIDER_ID = "provider-id";

type Props = Record<string, any>;

export interface PluginInProcess {
    /** Every RegisterResource request the stand-in monitor received, in order. */
    registered: any[];
    /** The plugin's client, to make any call. */
    call<T = any>(method: string, request: unknown): Promise<T>;
    /** Construct of `type` named `name` with `inputs`; `options` sets the request's options (setProtect, ...). */
    construct(name: string, inputs: Props, options?: (request: any) => void, type?: string): Promise<{ urn: string; state: Props }>;
    /** The lines the lifecycles wrote. */
    lines: string[];
    stop(): Promise<void>;
}

function listen(server: grpc.Server): Promise<number> {
    return new Promise((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

/**
 * The plugin served in this process, configured for `emu`'s org with its key. Its job lists are not shared between
 * calls (each reads the emulator anew), unless `jobLists` says otherwise: `{}` shares them as the plugin's process does.
 */
export async function pluginInProcess(emu: Emulator, options: { jobLists?: SharingOptions } = {}): Promise<PluginInProcess> {
    const lines: string[] = [];
    const session = createSession({
        env: {},
        homeDir: emptyHome(),
        journalDir: false,
        jobLists: options.jobLists ?? { windowMs: 0 },
        log: { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) },
    });
    const plugin = await servePlugin({
        version: "0.0.0",
        schema: "{}",
        connectorJob: createConnectorJobProvider({ session }),
        completion: createCompletionProvider(session),
        forResource: (_urn, call) => call(),
        cancel: () => session.cancel(),
        spelled: (message) => message,
    });
    const client = new ResourceProviderClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure());
    const call = <T>(method: string, request: unknown) =>
        new Promise<T>((resolve, reject) => client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))));

    // The stand-in engine's resource monitor: a custom resource is checked and created by its provider, this plugin.
    const registered: any[] = [];
    const monitor = new grpc.Server();
    monitor.addService(ResourceMonitorService, {
        registerResource: (rpc: any, callback: grpc.sendUnaryData<unknown>) => {
            const request = rpc.request;
            registered.push(request);
            const urn = `urn:pulumi:test::plugin::${request.getType()}::${request.getName()}`;
            (async () => {
                const check = await call<any>("check", new provproto.CheckRequest().setUrn(urn).setNews(request.getObject()).setOlds(Struct.fromJavaScript({})));
                const failures = check.getFailuresList().map((f: any) => f.getReason());
                if (failures.length > 0) throw new Error(`check failed: ${failures.join("; ")}`);
                const created = await call<any>("create", new provproto.CreateRequest().setUrn(urn).setProperties(check.getInputs()));
                return new resproto.RegisterResourceResponse().setUrn(urn).setId(created.getId()).setObject(created.getProperties());
            })().then(
                (response) => callback(null, response),
                (err) => callback({ code: grpc.status.UNKNOWN, details: (err as Error).message }),
            );
        },
    });
    const monitorPort = await listen(monitor);

    const variables = { "timbal:config:apiKey": emu.apiKey, "timbal:config:orgId": ORG, "timbal:config:baseUrl": emu.url };
    const configure = new provproto.ConfigureRequest().setUrn(PROVIDER_URN).setId(PROVIDER_ID).setAcceptsecrets(true);
    for (const [key, value] of Object.entries(variables)) configure.getVariablesMap().set(key, value);
    await call("configure", configure);

    return {
        registered,
        call,
        lines,
        async construct(name, inputs, options, type = "timbal:index:ConnectorJob") {
            const request = new provproto.ConstructRequest()
                .setProject("plugin")
                .setStack("test")
                .setMonitorendpoint(`127.0.0.1:${monitorPort}`)
                .setType(type)
                .setName(name)
                .setInputs(Struct.fromJavaScript(inputs));
            options?.(request);
            const response = await call<any>("construct", request);
            const result = { urn: response.getUrn(), state: response.getState().toJavaScript() as Props };
            recordArtifact("plugin construct result", result);
            return result;
        },
        async stop() {
            client.close();
            plugin.server.forceShutdown();
            monitor.forceShutdown();
            recordArtifact("plugin lines", lines);
        },
    };
}
