import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { CONFIG_KEYS } from "../lifecycle/settings";
import { pluginType } from "../fields/type-tokens";
import type { FieldDiff } from "../lifecycle/diff";
import type { ConfigureRequest, ResourceLifecycle } from "../lifecycle/resource-lifecycle";
import { PartialFailure } from "../lifecycle/partial-failure";
import { constructConnectorJob } from "./construct";
import { Any, Empty, grpc, Struct } from "../support/sdk-modules";
import { keepSecret, revealSecrets } from "./secret-values";

// The provider plugin's gRPC service: what the engine calls, turned into the calls the dynamic provider host makes on
// the same lifecycles (check, diff, create, read, update, delete), and back; and Construct, which serves a program's
// ConnectorJob as the two resources the dynamic shell has (construct.ts). Written over the SDK's generated service
// rather than `provider.main` because that server drops the stack's provider configuration (its Configure keeps
// nothing), and this one must hand `timbal:apiKey`, `timbal:orgId` and `timbal:baseUrl` to the session.


type Lifecycle = ResourceLifecycle;
type Handler<Req, Res> = (call: { request: Req }, callback: (error: unknown, response?: Res | null, metadata?: unknown) => void) => void;

export interface PluginOptions {
    version: string;
    schema: string;
    /** The ConnectorJob lifecycle: dispatch (create returns at the API's answer). */
    connectorJob: Lifecycle;
    /** The ConnectorJobCompletion lifecycle: the wait, when `waitForCompletion` asks for it. */
    completion: Lifecycle;
    /** Runs a call on a resource, so that its log lines go to that resource's row. */
    forResource<T>(urn: string, call: () => Promise<T>): Promise<T>;
    /** Ends the waits in flight, and those to come: the engine's Cancel, on the first Ctrl-C. */
    cancel(): void;
    /** A message to the program's author, naming fields as the program spells them (check's failures). */
    spelled(message: string): string;
}

/** The lifecycle for a URN's resource type (its type is the last `$`-separated part of the URN's type segment). */
function lifecycleFor(urn: string, options: PluginOptions): Lifecycle {
    const type = urn.split("::")[2]?.split("$").pop();
    if (type === pluginType("connectorJob")) return options.connectorJob;
    if (type === pluginType("completion")) return options.completion;
    throw new Error(`the timbal plugin has no resource of type ${type}`);
}

const plain = (struct: import("google-protobuf/google/protobuf/struct_pb").Struct | undefined) => (struct?.toJavaScript() ?? {}) as Record<string, any>;
/** A property bag as the lifecycles take it, and which of its properties were secret (secret-values.ts). */
const revealed = (struct: import("google-protobuf/google/protobuf/struct_pb").Struct | undefined) => revealSecrets(plain(struct));
/** Outputs for the engine: as plain JSON, with the properties that were secret in `from` secret again. */
const structOf = (props: Record<string, unknown> | undefined, from: { secretNames: ReadonlySet<string> }) =>
    Struct.fromJavaScript(keepSecret(props ?? {}, from.secretNames) as never);

/** Runs `work`; a PartialFailure leaves with its properties' secrets kept too. */
async function keepingSecrets<T>(from: { secretNames: ReadonlySet<string> }, work: () => Promise<T>): Promise<T> {
    try {
        return await work();
    } catch (err) {
        if (err instanceof PartialFailure) throw Object.assign(err, { properties: keepSecret(err.properties, from.secretNames) });
        throw err;
    }
}

/** Answers a call with `work`'s result, or with its error: a PartialFailure keeps the resource with its id. */
function serve<Req, Res>(work: (request: Req) => Promise<Res>): Handler<Req, Res> {
    return (call, callback) => {
        work(call.request).then(
            (response) => callback(null, response),
            (error: Error) => {
                const metadata = new grpc.Metadata();
                if (error instanceof PartialFailure) {
                    const failed = new provproto.ErrorResourceInitFailed();
                    failed.setId(error.id);
                    failed.setProperties(Struct.fromJavaScript(error.properties as never));
                    failed.setReasonsList(error.reasons);
                    const detail = new Any();
                    detail.pack(failed.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
                    const status = new statusproto.Status();
                    status.setCode(grpc.status.UNKNOWN);
                    status.setMessage(error.message);
                    status.addDetails(detail);
                    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
                }
                callback({ code: grpc.status.UNKNOWN, details: error.message, metadata }, null, metadata);
            },
        );
    };
}

/**
 * The stack's (or an explicit provider's) settings, as the lifecycles' configure reads them: by namespaced key. The
 * engine names them `timbal:config:apiKey`; the stack's config and the lifecycles say `timbal:apiKey`.
 */
function configureRequest(variables: { get(key: string): string | undefined }): ConfigureRequest {
    return { config: { get: (key) => variables.get(key.replace(":", ":config:")) || variables.get(key) || undefined } };
}

const PROPERTY_DIFF_KINDS = {
    add: [provproto.PropertyDiff.Kind.ADD, provproto.PropertyDiff.Kind.ADD_REPLACE],
    delete: [provproto.PropertyDiff.Kind.DELETE, provproto.PropertyDiff.Kind.DELETE_REPLACE],
    update: [provproto.PropertyDiff.Kind.UPDATE, provproto.PropertyDiff.Kind.UPDATE_REPLACE],
} as const;

/**
 * The diff's changed field paths, as the engine's detailed diff of the inputs: `pulumi preview --diff` then shows those
 * fields, as the dynamic shell's preview does, and never the job's status outputs (absent from the new inputs) as
 * deletions. `diffs` names the top-level fields.
 */
function withFieldDiffs(response: provproto.DiffResponse, fieldDiffs: FieldDiff[]): provproto.DiffResponse {
    const detailed = response.getDetaileddiffMap();
    for (const { path, kind, replaces } of fieldDiffs) {
        detailed.set(path, new provproto.PropertyDiff().setKind(PROPERTY_DIFF_KINDS[kind][replaces ? 1 : 0]).setInputdiff(true));
    }
    return response.setHasdetaileddiff(true).setDiffsList([...new Set(fieldDiffs.map(({ path }) => path.split(".")[0]))]);
}

/** The settings an explicit provider resource changes; none of them replaces the provider (or its jobs). */
const SETTING_NAMES = Object.keys(CONFIG_KEYS);

export function pluginService(options: PluginOptions) {
    /** Serves a call on the resource a request names: its lifecycle, with its log lines on its row. */
    const onResource = <Req extends { getUrn(): string }, Res>(work: (lifecycle: Lifecycle, request: Req) => Promise<Res>) =>
        serve((request: Req) => options.forResource(request.getUrn(), () => work(lifecycleFor(request.getUrn(), options), request)));
    /** This provider's reference (`<urn>::<id>`), from Configure: what the resources it constructs are served by. */
    let ownReference: string | undefined;
    return {
        getPluginInfo: serve(async () => new plugproto.PluginInfo().setVersion(options.version)),
        getSchema: serve(async () => new provproto.GetSchemaResponse().setSchema(options.schema)),
        attach: serve(async () => new Empty()),
        cancel: serve(async () => {
            options.cancel();
            return new Empty();
        }),
        checkConfig: serve(async (req: provproto.CheckRequest) => {
            // Settings are checked where they are used (a missing key fails check with how to set it).
            return new provproto.CheckResponse().setInputs(req.getNews());
        }),
        diffConfig: serve(async (req: provproto.DiffRequest) => {
            const olds = plain(req.getOlds());
            const news = plain(req.getNews());
            const changed = SETTING_NAMES.filter((name) => JSON.stringify(olds[name]) !== JSON.stringify(news[name]));
            return new provproto.DiffResponse()
                .setChanges(changed.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE)
                .setDiffsList(changed);
        }),
        configure: serve(async (req: provproto.ConfigureRequest) => {
            const request = configureRequest(req.getVariablesMap());
            await options.connectorJob.configure(request);
            if (req.getUrn() && req.getId()) ownReference = `${req.getUrn()}::${req.getId()}`;
            // Secrets arrive wrapped (the engine serves components only to a provider that accepts them), and the
            // shell unwraps them for the lifecycles and wraps their outputs again.
            return new provproto.ConfigureResponse().setAcceptsecrets(true).setAcceptresources(false).setSupportspreview(false);
        }),
        construct: serve(async (req: provproto.ConstructRequest) => {
            if (!ownReference) throw new Error("this Pulumi CLI did not tell the timbal plugin its provider's URN (Configure): upgrade the CLI to v3.248.0 or later");
            try {
                return await constructConnectorJob(req, ownReference);
            } catch (err) {
                // Construct's refusals name fields too: as the program spells them.
                throw new Error(options.spelled(err instanceof Error ? err.message : String(err)));
            }
        }),
        check: onResource(async (lifecycle, req: provproto.CheckRequest) => {
            const news = revealed(req.getNews());
            const result = await lifecycle.check(revealed(req.getOlds()).plain, news.plain);
            const failures = (result.failures ?? []).map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(options.spelled(f.reason)));
            return new provproto.CheckResponse().setInputs(structOf(result.inputs, news)).setFailuresList(failures);
        }),
        diff: onResource(async (lifecycle, req: provproto.DiffRequest) => {
            const result = await lifecycle.diff(req.getId(), revealed(req.getOlds()).plain, revealed(req.getNews()).plain);
            const changes =
                result.changes === true
                    ? provproto.DiffResponse.DiffChanges.DIFF_SOME
                    : result.changes === false
                      ? provproto.DiffResponse.DiffChanges.DIFF_NONE
                      : provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN;
            const response = new provproto.DiffResponse()
                .setChanges(changes)
                .setReplacesList(result.replaces ?? [])
                .setDeletebeforereplace(result.deleteBeforeReplace ?? false);
            return withFieldDiffs(response, result.fieldDiffs);
        }),
        create: onResource(async (lifecycle, req: provproto.CreateRequest) => {
            const props = revealed(req.getProperties());
            const result = await keepingSecrets(props, () => lifecycle.create(props.plain));
            return new provproto.CreateResponse().setId(result.id).setProperties(structOf(result.outs, props));
        }),
        read: onResource(async (lifecycle, req: provproto.ReadRequest) => {
            const props = revealed(req.getProperties());
            const result = await lifecycle.read(req.getId(), props.plain);
            const response = new provproto.ReadResponse().setId(result.id ?? req.getId()).setProperties(structOf(result.props, props));
            // An import's inputs, for the engine to record and to write the declaration from.
            if (result.inputs) response.setInputs(structOf(result.inputs, props));
            return response;
        }),
        update: onResource(async (lifecycle, req: provproto.UpdateRequest) => {
            const news = revealed(req.getNews());
            const result = await keepingSecrets(news, () => lifecycle.update(req.getId(), revealed(req.getOlds()).plain, news.plain));
            return new provproto.UpdateResponse().setProperties(structOf(result.outs, news));
        }),
        delete: onResource(async (lifecycle, req: provproto.DeleteRequest) => {
            await lifecycle.delete(req.getId(), revealed(req.getProperties()).plain);
            return new Empty();
        }),
    };
}

/** Serves the plugin on a free port of 127.0.0.1; resolves to the port (which the engine reads from stdout) and the server. */
export async function servePlugin(options: PluginOptions): Promise<{ port: number; server: InstanceType<typeof grpc.Server> }> {
    const server = new grpc.Server();
    server.addService(provrpc.ResourceProviderService, pluginService(options) as never);
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return { port, server };
}

