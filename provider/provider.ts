import type * as dynamic from "@pulumi/pulumi/dynamic";

// This object is what Pulumi serializes into every ConnectorJob's state (`__provider`) and runs in its provider host.
// It is kept to a few lines that load the implementation from the installed package, by name:
// - state stays small (a copy of the implementation on every resource would be tens of KB each);
// - refresh and destroy run the installed code, not an old copy frozen into state;
// - nothing here captures module-level objects, which is what breaks serialization (zod schemas, axios instances).
// The host resolves the name from the program's node_modules, where the program's own import found this package.

// The module name is a literal on purpose: an exported constant compiles to `exports.NAME`, which would capture this
// module object, and the serializer cannot require a module the package does not export. It must match package.json
// `name` + the `./host` export; a test asserts it. (Comments inside the function would be serialized too.)
function load(): Required<dynamic.ResourceProvider> {
    return require("@timbal/pulumi-connector-jobs/host").processProvider;
}

/** The dynamic provider behind ConnectorJob. */
export const connectorJobProvider: dynamic.ResourceProvider = {
    configure: (req) => load().configure(req),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
};
