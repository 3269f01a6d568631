import * as assert from "assert";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { emulator } from "../../harness/fixtures";
import { goProject, newProjectFolder, pythonProject } from "../../harness/language-projects";
import { programIn } from "../../harness/program-text";
import { requirePulumiCli } from "../../harness/pulumi-cli";
import { extractedPlugin } from "../../harness/release-artifacts";

// The plugin names fields as the program spells them (plugin/program-spelling.ts) wherever the program lives: a
// Python or Go project whose Pulumi.yaml puts the program in a subfolder (`main:`) gets its check errors in snake_case
// or PascalCase, as the program at the project's root does (the parity suites).

const BAD_JOB = {
    name: "bad",
    args: { connectorId: "warehouse-pg", kbId: 0, destTable: "bad", source: { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "id" } },
};

const LAYOUTS = [
    { language: "python", main: "src/", project: pythonProject, named: /kb_id: must be an integer >= 1/ },
    { language: "go", main: "cmd/stack/", project: goProject, named: /KbId: must be an integer >= 1/ },
] as const;

describe("a program in a subfolder of its project (Pulumi.yaml's main): check errors in the program's spelling", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let plugin: string;

    before(async function () {
        requirePulumiCli(this, ["python", "go"]);
        emu = await emulator();
        plugin = await extractedPlugin();
    });
    after(async () => emu?.stop());

    for (const layout of LAYOUTS) {
        it(`${layout.language}, main: ${layout.main}: the bad field named as the program spells it, and nothing sent`, async function () {
            const binDir = requirePulumiCli(this, [layout.language]);
            const dir = newProjectFolder(`layout-${layout.language}`);
            const project = layout.project(dir, `layout-${layout.language}`, programIn(layout.language, { jobs: [BAD_JOB] }), { pluginPath: plugin, main: layout.main });
            const cli = await emulatorStack(project, binDir, emu);
            const before = emu.requests.length;
            const preview = await cli.run(["preview"]);
            assert.notStrictEqual(preview.code, 0);
            assert.match(preview.output, layout.named);
            assert.doesNotMatch(preview.output, /kbId/, "not in the declarations' camelCase");
            assert.strictEqual(emu.requests.length, before);
        });
    }
});
