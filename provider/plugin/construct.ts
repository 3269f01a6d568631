import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import { completionInputsOf, completionName, completionOptionsOf, customTimeoutsRefusal, mayWait, takeCompletionStatus } from "../fields/completion-fields";
import { pluginType } from "../fields/type-tokens";
import { UNKNOWN } from "../fields/unknown";
import { grpc, Struct } from "../support/sdk-modules";
import { revealSecrets } from "./secret-values";

// ConnectorJob in the plugin, the shape the dynamic shell has: the program declares one resource, and the plugin
// registers two in its place, a custom ConnectorJob that dispatches (its create returns at the API's answer, so the
// job's id is in the checkpoint before any wait) and, when `waitForCompletion` asks for it, a child
// ConnectorJobCompletion that waits. A `pulumi up` killed mid-wait leaves the job recorded in the backend, which any
// runner reads: the next `up` only waits again.
//
// The schema declares ConnectorJob a component, so every language registers it remotely and the engine calls
// Construct here; the engine returns the Construct's URN and state to the program only once both registrations are
// done, which is why `dependsOn: [job]` orders a dependent after the job finished (pulumi/pulumi#7540). The custom
// ConnectorJob is registered at the URN a ConnectorJob always had (same type, name and parent): a stack deployed
// before this shape keeps its jobs as they are.


type Props = Record<string, unknown>;

const outputsOf = (registered: resproto.RegisterResourceResponse) => (registered.getObject()?.toJavaScript() ?? {}) as Props;

/** One client per resource monitor (one per deployment). */
const monitors = new Map<string, resrpc.ResourceMonitorClient>();

function monitorAt(endpoint: string): resrpc.ResourceMonitorClient {
    let monitor = monitors.get(endpoint);
    if (!monitor) {
        monitor = new resrpc.ResourceMonitorClient(endpoint, grpc.credentials.createInsecure());
        monitors.set(endpoint, monitor);
    }
    return monitor;
}

function register(monitor: resrpc.ResourceMonitorClient, request: resproto.RegisterResourceRequest): Promise<resproto.RegisterResourceResponse> {
    return new Promise((resolve, reject) => monitor.registerResource(request, (err, response) => (err ? reject(err) : resolve(response!))));
}

/** A custom resource served by this very provider (the one the engine called Construct on), with its inputs. */
function customResource(type: string, name: string, parent: string, provider: string, object: Props, dependencies: string[]) {
    return new resproto.RegisterResourceRequest()
        .setType(type)
        .setName(name)
        .setParent(parent)
        .setCustom(true)
        .setProvider(provider)
        .setObject(Struct.fromJavaScript(object as never))
        .setDependenciesList([...new Set(dependencies)])
        .setAcceptsecrets(true)
        .setAcceptresources(false);
}

/** The program's resource options, as Construct received them, onto the custom ConnectorJob that replaces it. */
function withProgramOptions(job: resproto.RegisterResourceRequest, req: provproto.ConstructRequest): resproto.RegisterResourceRequest {
    req.getInputdependenciesMap().forEach((deps, property) =>
        job.getPropertydependenciesMap().set(property, new resproto.RegisterResourceRequest.PropertyDependencies().setUrnsList(deps.getUrnsList())),
    );
    if (req.hasProtect()) job.setProtect(req.getProtect()!);
    if (req.hasRetainondelete()) job.setRetainondelete(req.getRetainondelete()!);
    if (req.hasDeletebeforereplace()) job.setDeletebeforereplace(req.getDeletebeforereplace()!).setDeletebeforereplacedefined(true);
    const timeouts = req.getCustomtimeouts();
    if (timeouts) {
        job.setCustomtimeouts(new resproto.RegisterResourceRequest.CustomTimeouts().setCreate(timeouts.getCreate()).setUpdate(timeouts.getUpdate()).setDelete(timeouts.getDelete()));
    }
    const trigger = req.getReplacementTrigger();
    if (trigger) job.setReplacementTrigger(trigger);
    const hooks = req.getResourceHooks();
    if (hooks) {
        job.setHooks(
            new resproto.RegisterResourceRequest.ResourceHooksBinding()
                .setBeforeCreateList(hooks.getBeforeCreateList())
                .setAfterCreateList(hooks.getAfterCreateList())
                .setBeforeUpdateList(hooks.getBeforeUpdateList())
                .setAfterUpdateList(hooks.getAfterUpdateList())
                .setBeforeDeleteList(hooks.getBeforeDeleteList())
                .setAfterDeleteList(hooks.getAfterDeleteList()),
        );
    }
    return job
        .setAliasesList(req.getAliasesList())
        .setAliasspecs(true)
        .setAdditionalsecretoutputsList(req.getAdditionalsecretoutputsList())
        .setDeletedwith(req.getDeletedwith())
        .setIgnorechangesList(req.getIgnorechangesList())
        .setReplaceonchangesList(req.getReplaceonchangesList())
        .setReplaceWithList(req.getReplaceWithList());
}

/** The options of the job that its completion takes (completionOptionsOf, as in the dynamic shell). */
function withCompletionOptions(completion: resproto.RegisterResourceRequest, req: provproto.ConstructRequest): void {
    const options = completionOptionsOf({
        protect: req.hasProtect() ? req.getProtect() : undefined,
        retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
        deletedWith: req.getDeletedwith() || undefined,
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    });
    if (options.protect !== undefined) completion.setProtect(options.protect);
    if (options.retainOnDelete !== undefined) completion.setRetainondelete(options.retainOnDelete);
    if (options.deletedWith !== undefined) completion.setDeletedwith(options.deletedWith);
    completion.setAdditionalsecretoutputsList(options.additionalSecretOutputs);
}

/** Every URN the program's ConnectorJob depends on: `dependsOn`, and the resources its inputs come from. */
function dependenciesOf(req: provproto.ConstructRequest): string[] {
    const fromInputs: string[] = [];
    req.getInputdependenciesMap().forEach((deps) => fromInputs.push(...deps.getUrnsList()));
    return [...req.getDependenciesList(), ...fromInputs];
}

/**
 * Serves a program's ConnectorJob: registers the job (and its completion) through the engine's resource monitor, on
 * the provider `provider` (this one's reference), and answers with the job's URN and the state the program reads:
 * the job's outputs, its status the final one when it waited, and `jobId` (a component has no id of its own).
 */
export async function constructConnectorJob(req: provproto.ConstructRequest, provider: string): Promise<provproto.ConstructResponse> {
    const type = req.getType();
    if (type !== pluginType("connectorJob")) throw new Error(`the timbal plugin has no component of type ${type}`);
    const inputs = (req.getInputs()?.toJavaScript() ?? {}) as Props;
    const timeouts = req.getCustomtimeouts();
    const programOptions = { customTimeouts: timeouts && { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() } };
    const refused = customTimeoutsRefusal(req.getName(), programOptions, revealSecrets({ wait: inputs.waitForCompletion }).plain.wait);
    if (refused) throw new Error(refused);
    const monitor = monitorAt(req.getMonitorendpoint());
    const jobRequest = withProgramOptions(customResource(type, req.getName(), req.getParent(), provider, inputs, dependenciesOf(req)), req);
    const job = await register(monitor, jobRequest);
    const jobUrn = job.getUrn();
    // In a preview, a job still to be dispatched has no id yet.
    const jobId = job.getId() || UNKNOWN;
    const jobOutputs = outputsOf(job);
    const from = [jobUrn];
    // The state the program reads: the job's outputs, its status the final one where it waited, and its id.
    const state: Props = { ...jobOutputs, jobId };
    if (mayWait(revealSecrets({ wait: jobOutputs.waitForCompletion }).plain.wait)) {
        const completionInputs = completionInputsOf(jobId, jobOutputs as Record<"orgId" | "connectorId" | "baseUrl" | "kbId" | "destTable", unknown>, jobOutputs.waitForCompletion);
        const completionRequest = customResource(pluginType("completion"), completionName(req.getName()), jobUrn, provider, completionInputs, [jobUrn]);
        withCompletionOptions(completionRequest, req);
        const completion = await register(monitor, completionRequest);
        takeCompletionStatus(state, outputsOf(completion));
        from.push(completion.getUrn());
    }
    const response = new provproto.ConstructResponse().setUrn(jobUrn).setState(Struct.fromJavaScript(state as never));
    for (const field of Object.keys(state)) response.getStatedependenciesMap().set(field, new provproto.ConstructResponse.PropertyDependencies().setUrnsList(from));
    return response;
}
