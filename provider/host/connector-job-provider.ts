import { forwardToHost } from "./forward-to-host";

// The dynamic provider behind ConnectorJob, as this module's exports. Pulumi's serializer writes an object that is
// the exports of a module installed under node_modules as `require("<package>/<export>")` (package.json exports this
// one as ./connector-job-provider) instead of serializing its functions: each resource's `__provider` is then one
// short line, and refresh and destroy run the installed code. Where the package is not under node_modules (a linked
// checkout), the forwarding functions are serialized by value instead.
export = forwardToHost("processProvider");
