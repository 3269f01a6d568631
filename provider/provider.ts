import type * as dynamic from "@pulumi/pulumi/dynamic";

// These objects are what Pulumi serializes into every resource's state (`__provider`) and runs in its provider host.
// They are kept to a few lines that load the implementation from the installed package, by name:
// - state stays small (a copy of the implementation on every resource would be tens of KB each);
// - refresh and destroy run the installed code, not an old copy frozen into state;
// - nothing here captures module-level objects, which is what breaks serialization (zod schemas, axios instances).
// The host resolves the name from the program's node_modules, where the program's own import found this package.

// The module name is a literal on purpose: an exported constant compiles to `exports.NAME`, which would capture this
// module object, and the serializer cannot require a module the package does not export. It must match package.json
// `name` + the `./host` export; a test asserts it. (Comments inside the functions would be serialized too.)
function load(): Required<dynamic.ResourceProvider> {
    return require("@timbal/pulumi-connector-jobs/host").processProvider;
}

function loadCompletion(): Required<dynamic.ResourceProvider> {
    return require("@timbal/pulumi-connector-jobs/host").processCompletionProvider;
}

/** The dynamic provider behind ConnectorJob: dispatches, reads, forgets. */
export const connectorJobProvider: dynamic.ResourceProvider = {
    configure: (req) => load().configure(req),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
};

/** The dynamic provider behind ConnectorJobCompletion: waits on a recorded job. */
export const completionProvider: dynamic.ResourceProvider = {
    configure: (req) => loadCompletion().configure(req),
    check: (olds, news) => loadCompletion().check(olds, news),
    diff: (id, olds, news) => loadCompletion().diff(id, olds, news),
    create: (inputs) => loadCompletion().create(inputs),
    read: (id, props) => loadCompletion().read(id, props),
    update: (id, olds, news) => loadCompletion().update(id, olds, news),
    delete: (id, props) => loadCompletion().delete(id, props),
};
