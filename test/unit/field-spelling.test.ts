import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spellFieldsIn } from "../../provider/fields/field-spelling";
import { programFieldSpelling, runtimeOf } from "../../provider/plugin/program-spelling";

// Check's messages name fields as the program spells them: a Python program writes snake_case, a Go program
// PascalCase.

describe("field names in messages, as the program spells them", function () {
    it("snake_case renames every declared field, nested ones too, but not config keys or the quoted value", function () {
        const message = "source.connectionRef: must be a string; got \"kbId\"";
        assert.strictEqual(spellFieldsIn(message, "snake_case"), "source.connection_ref: must be a string; got \"kbId\"");
        assert.strictEqual(
            spellFieldsIn("orgId: no Timbal org is configured. Set `pulumi config set timbal:orgId <org>`, or TIMBAL_ORG_ID, or orgId on this resource", "snake_case"),
            "org_id: no Timbal org is configured. Set `pulumi config set timbal:orgId <org>`, or TIMBAL_ORG_ID, or org_id on this resource",
        );
        assert.strictEqual(
            spellFieldsIn("waitForCompletion: must be true, false or { timeoutSeconds?, pollIntervalSeconds? }; got 3", "snake_case"),
            "wait_for_completion: must be true, false or { timeout_seconds?, poll_interval_seconds? }; got 3",
        );
        assert.strictEqual(spellFieldsIn("pacing.maxRowsPerSec: must be", "snake_case"), "pacing.max_rows_per_sec: must be");
    });

    it("PascalCase renames every field of a path, and a one-word field only where it surely is one (a path, a colon)", function () {
        assert.strictEqual(spellFieldsIn("source.cursorColumn: must not be empty", "PascalCase"), "Source.CursorColumn: must not be empty");
        assert.strictEqual(spellFieldsIn("kbId: must be an integer >= 1; got \"kbId\"", "PascalCase"), "KbId: must be an integer >= 1; got \"kbId\"");
        assert.strictEqual(spellFieldsIn("mode: must be create, append or replace", "PascalCase"), "Mode: must be create, append or replace");
        assert.strictEqual(
            spellFieldsIn("orgId: set `timbal:orgId`, or orgId on this resource.", "PascalCase"),
            "OrgId: set `timbal:orgId`, or OrgId on this resource.",
        );
        assert.strictEqual(spellFieldsIn("set waitForCompletion.", "snake_case"), "set wait_for_completion.");
        assert.strictEqual(
            spellFieldsIn("gives no source table: add `kbId` and `source`; source: is required", "PascalCase"),
            "gives no source table: add `KbId` and `Source`; Source: is required",
        );
        assert.strictEqual(spellFieldsIn("nor its source: none", "PascalCase"), "nor its source: none", "a word of prose stays");
        assert.strictEqual(
            spellFieldsIn("waitForCompletion.timeout: is not a ConnectorJob input; got 5", "snake_case"),
            "wait_for_completion.timeout: is not a ConnectorJob input; got 5",
            "a field's name is respelt in a path whose other name is not a field's",
        );
        assert.strictEqual(spellFieldsIn("see https://api.timbal.ai and README.md", "snake_case"), "see https://api.timbal.ai and README.md");
    });

    it("camelCase leaves the message as the declarations spell it", function () {
        const message = "source.connectionRef: must be a string; got 3";
        assert.strictEqual(spellFieldsIn(message, "camelCase"), message);
    });

    it("reads the runtime from Pulumi.yaml in each of its forms", function () {
        assert.strictEqual(runtimeOf("name: x\nruntime: python\n"), "python");
        assert.strictEqual(runtimeOf("name: x\nruntime: 'python' # the venv\n"), "python");
        assert.strictEqual(runtimeOf("name: x\nruntime: { name: python, options: { virtualenv: venv } }\n"), "python");
        assert.strictEqual(runtimeOf("name: x\nruntime:\n  options:\n    virtualenv: venv\n\n  name: python\nplugins: {}\n"), "python");
        assert.strictEqual(runtimeOf("name: x\nruntime:\n  name: yaml\n"), "yaml");
        assert.strictEqual(runtimeOf("name: x\ndescription: runtime: python\nruntime: nodejs\n"), "nodejs");
        assert.strictEqual(runtimeOf("name: x\n"), undefined);
    });

    it("finds the project file in the program's folder or the nearest above it (`main: src/`, a program in a subfolder)", function () {
        const project = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-spelling-"));
        fs.mkdirSync(path.join(project, "src", "stacks"), { recursive: true });
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: x\nruntime: go\nmain: src/stacks/\n");
        assert.strictEqual(programFieldSpelling(project), "PascalCase");
        assert.strictEqual(programFieldSpelling(path.join(project, "src", "stacks")), "PascalCase");
        fs.writeFileSync(path.join(project, "src", "Pulumi.yml"), "name: y\nruntime:\n  name: python\n");
        assert.strictEqual(programFieldSpelling(path.join(project, "src", "stacks")), "snake_case", "the nearest project file");
    });
});
