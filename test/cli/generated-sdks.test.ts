import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT, requirePulumiCli } from "../../harness/pulumi-cli";
import { generatePythonSdk, PYTHON_SDK_DIR, sdkFiles } from "../../harness/python-sdk";

// sdk/python is generated from plugin/schema.json (npm run sdk:python) by the CLI's own generator: a schema changed
// without it fails here.

describe("the Python SDK (sdk/python)", function () {
    this.timeout(120_000);

    it("is the one `pulumi package gen-sdk --language python` generates from plugin/schema.json", function () {
        const binDir = requirePulumiCli(this, ["python"]);
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-sdk-check-"));
        try {
            const fresh = sdkFiles(generatePythonSdk(binDir, out));
            const committed = sdkFiles(PYTHON_SDK_DIR);
            const differing = [...new Set([...fresh.keys(), ...committed.keys()])].filter((file) => fresh.get(file) !== committed.get(file));
            assert.deepStrictEqual(differing, [], "sdk/python is stale: run npm run sdk:python");
            const plugin = JSON.parse(fresh.get(path.join("pulumi_timbal", "pulumi-plugin.json"))!);
            const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
            assert.deepStrictEqual(plugin, { resource: true, name: "timbal", version }, "the SDK asks for the plugin of this package's version");
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
