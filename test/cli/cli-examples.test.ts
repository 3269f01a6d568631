import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { copyExampleProject } from "../../harness/example-project";
import { emulator } from "../../harness/fixtures";
import { pluginExampleProject } from "../../harness/language-projects";
import { AS_A_USER, requirePulumiCli } from "../../harness/pulumi-cli";
import { pluginTarball, releasePage, type ReleasePage } from "../../harness/release-artifacts";

// The four examples (examples/index.ts, examples/yaml/, examples/python/, examples/go/), each set up as its README
// section says (YAML, Python and Go: `pulumi install` fetches the plugin from the release page, served locally) and
// deployed with the real CLI to an emulator of its own: each dispatches the same four extractions, once. (The README's
// own programs and install commands run in cli-install.test.ts.)

const EXAMPLES = ["typescript", "yaml", "python", "go"] as const;
type Example = (typeof EXAMPLES)[number];

describe("the examples in TypeScript, YAML, Python and Go (real CLI, installed as the README says)", function () {
    this.timeout(600_000);
    const dispatched: Partial<Record<Example, unknown[]>> = {};
    const emulators: Emulator[] = [];
    let binDir: string;
    let release: ReleasePage;

    before(async function () {
        binDir = requirePulumiCli(this, ["nodejs", "yaml", "python", "go"]);
        release = await releasePage([await pluginTarball()]);
    });

    after(async () => {
        await Promise.all(emulators.map((emu) => emu.stop()));
        await release?.stop();
    });

    /** The example's project, with its stack file for the emulator, ready for `pulumi stack init` and `pulumi install` (a plugin's). */
    function projectOf(example: Example): string {
        if (example === "typescript") return copyExampleProject(["Pulumi.emulator.yaml"]);
        return pluginExampleProject(example, fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${example}-example-`)));
    }

    for (const example of EXAMPLES) {
        it(`the ${example} example deploys its four extractions to the emulator, each dispatched once`, async function () {
            const emu = await emulator();
            emulators.push(emu);
            const cli = await emulatorStack(projectOf(example), binDir, emu, { stack: "emulator", keepConfigFile: true, cli: AS_A_USER, env: release.env });
            if (example !== "typescript") await cli.ok(["install"]);
            const up = await cli.ok(["up", "--yes"]);
            assert.match(up.output, /\+ 5 created/);
            dispatched[example] = emu.world.jobs.map((job) => job.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
            assert.strictEqual(emu.requests.filter((r) => r.method === "POST").length, 4);
            assert.deepStrictEqual(emu.world.jobs.map((job) => job.destTable).sort(), ["customers", "general_ledger", "order_items", "orders"]);
        });
    }

    it("the four examples dispatch the same request bodies", function () {
        assert.ok(dispatched.typescript?.length === 4, "the TypeScript example ran");
        const ledger = dispatched.typescript.find((body) => JSON.stringify(body).includes("GeneralLedger"));
        assert.match(JSON.stringify(ledger), /"read_uncommitted":true/, "the ledger is paced");
        assert.deepStrictEqual(dispatched.yaml, dispatched.typescript);
        assert.deepStrictEqual(dispatched.python, dispatched.typescript);
        assert.deepStrictEqual(dispatched.go, dispatched.typescript);
    });
});
