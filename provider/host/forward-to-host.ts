import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { ResourceLifecycle } from "../lifecycle/resource-lifecycle";

// The dynamic providers Pulumi serializes into every resource's state (`__provider`) forward each call to the
// implementation in the installed package, loaded by name in the provider host (process-providers.ts): see
// connector-job-provider.ts for why. They capture nothing but the name of the host's export: no module-level objects
// (zod schemas, axios instances), which the serializer cannot carry. The package name is a literal on purpose (an
// imported constant would capture a module object); it must match package.json `name` + the `./host` export, and a
// test asserts it. (Comments inside the functions would be serialized too.)

export type HostExport = "processProvider" | "processCompletionProvider";

export function forwardToHost(hostExport: HostExport): Required<dynamic.ResourceProvider> {
    const load = (): ResourceLifecycle => require("@timbal/pulumi-connector-jobs/host")[hostExport];
    return {
        configure: (req) => load().configure(req),
        check: (olds, news) => load().check(olds, news),
        diff: (id, olds, news) => load().diff(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read(id, props),
        update: (id, olds, news) => load().update(id, olds, news),
        delete: (id, props) => load().delete(id, props),
    };
}
