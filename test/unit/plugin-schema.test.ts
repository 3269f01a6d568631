import * as assert from "assert";
import * as fs from "fs";
import { PLUGIN_SCHEMA_FILE, pluginSchemaText } from "../../harness/plugin-schema";

// plugin/schema.json is generated from the field declarations (npm run plugin:schema): a declaration changed without
// it fails here, as the README's tables do.

describe("the provider plugin's schema", function () {
    it("plugin/schema.json is the one the field declarations generate", function () {
        assert.ok(fs.readFileSync(PLUGIN_SCHEMA_FILE, "utf8") === pluginSchemaText(), "plugin/schema.json is stale: run npm run plugin:schema");
    });

    it("declares ConnectorJob's inputs with their types, docs, defaults and what is required", function () {
        const schema = JSON.parse(pluginSchemaText());
        const job = schema.resources["timbal:index:ConnectorJob"];
        assert.deepStrictEqual(job.requiredInputs, ["connectorId", "kbId", "destTable", "source"]);
        assert.deepStrictEqual(job.inputProperties.kbId, { type: "integer", description: "target KB, numeric id as in the `/k2` routes" });
        assert.strictEqual(job.inputProperties.mode.default, "create");
        assert.deepStrictEqual(job.inputProperties.source.$ref, "#/types/timbal:index:ConnectorJobSource");
        assert.deepStrictEqual(schema.types["timbal:index:ConnectorJobSource"].required, ["kind", "connectionRef", "table", "cursorColumn"]);
        assert.deepStrictEqual(job.inputProperties.waitForCompletion.oneOf, [{ type: "boolean" }, { $ref: "#/types/timbal:index:ConnectorJobWaitForCompletion" }]);
        assert.ok(!("baseUrl" in job.inputProperties), "baseUrl comes from the provider's settings, never from the program");
        assert.deepStrictEqual(job.properties.rowsPerSec, { type: "number", description: "the run's throughput" });
        assert.ok(job.required.includes("state") && !job.required.includes("finishedAt"));
        assert.strictEqual(schema.config.variables.apiKey.secret, true);
        assert.strictEqual(schema.provider.inputProperties.apiKey.secret, true);
    });
});
