import { writeSdk } from "../harness/generated-sdks";
import { pulumiBinDir } from "../harness/pulumi-cli";

// npm run sdks: rewrites sdk/python (the pulumi_timbal package) and sdk/go (the Go module) from plugin/schema.json.
// Needs the CLI with the Python and Go language hosts (bash tools/pulumi-cli/ensure.sh prepares them).
const binDir = pulumiBinDir(["python", "go"]);
if (!binDir) {
    console.error("no Pulumi CLI with the Python and Go language hosts: run bash tools/pulumi-cli/ensure.sh first");
    process.exit(1);
}
writeSdk(binDir, "python");
writeSdk(binDir, "go");
console.log("sdk/python and sdk/go written from plugin/schema.json");
