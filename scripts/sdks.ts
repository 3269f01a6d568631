import { writePythonSdk } from "../harness/python-sdk";
import { pulumiBinDir } from "../harness/pulumi-cli";

// npm run sdk:python: rewrites sdk/python (the pulumi_timbal package) from plugin/schema.json. Needs the CLI and the
// Python language host (bash tools/pulumi-cli/ensure.sh prepares both).
const binDir = pulumiBinDir(["python"]);
if (!binDir) {
    console.error("no Pulumi CLI with the Python language host: run bash tools/pulumi-cli/ensure.sh first");
    process.exit(1);
}
writePythonSdk(binDir);
console.log("sdk/python written from plugin/schema.json");
