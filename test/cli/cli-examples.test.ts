import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { pack, pluginExampleProject } from "../../harness/consumer-project";
import { copyExampleProject } from "../../harness/example-project";
import { emulator, ORG } from "../../harness/fixtures";
import { AS_A_USER, PulumiCli, REPO_ROOT, requirePulumiCli } from "../../harness/pulumi-cli";
import { README } from "../../harness/readme-tables";

// The three examples (examples/index.ts, examples/yaml/, examples/python/), each set up as its README section says
// and deployed with the real CLI to an emulator of its own: each dispatches the same four extractions, once. And the
// README's Python program, its files taken from the README word for word.

const EXAMPLES = ["typescript", "yaml", "python"] as const;
type Example = (typeof EXAMPLES)[number];

describe("the examples in TypeScript, YAML and Python (real CLI, installed as the README says)", function () {
    this.timeout(600_000);
    const dispatched: Partial<Record<Example, unknown[]>> = {};
    const emulators: Emulator[] = [];
    let binDir: string;
    let tarball: string;

    before(function () {
        binDir = requirePulumiCli(this, ["nodejs", "yaml", "python"]);
        tarball = pack(REPO_ROOT, fs.mkdtempSync(path.join(os.tmpdir(), "timbal-examples-")));
    });

    after(async () => Promise.all(emulators.map((emu) => emu.stop())));

    /** The example's project, ready for `pulumi stack init`. */
    async function projectOf(example: Example, cli: (dir: string) => PulumiCli): Promise<string> {
        if (example === "typescript") return copyExampleProject(["Pulumi.emulator.yaml"]);
        const dir = pluginExampleProject(example, fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${example}-example-`)), tarball);
        // The Python section's setup step: the virtualenv from requirements.txt (the SDK from the npm package).
        if (example === "python") await cli(dir).ok(["install", "--no-plugins"]);
        return dir;
    }

    for (const example of EXAMPLES) {
        it(`the ${example} example deploys its four extractions to the emulator, each dispatched once`, async function () {
            const emu = await emulator();
            emulators.push(emu);
            const cliFor = (dir: string) => new PulumiCli(dir, binDir, { TIMBAL_API_KEY: emu.apiKey }, AS_A_USER);
            const cli = cliFor(await projectOf(example, cliFor));
            await cli.ok(["stack", "init", "emulator"]);
            await cli.ok(["config", "set", "timbal:baseUrl", emu.url]);
            const up = await cli.ok(["up", "--yes"]);
            assert.match(up.output, /\+ 5 created/);
            dispatched[example] = emu.world.jobs.map((job) => job.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
            assert.strictEqual(emu.requests.filter((r) => r.method === "POST").length, 4);
            assert.deepStrictEqual(emu.world.jobs.map((job) => job.destTable).sort(), ["customers", "general_ledger", "order_items", "orders"]);
        });
    }

    it("the three examples dispatch the same request bodies", function () {
        assert.ok(dispatched.typescript?.length === 4, "the TypeScript example ran");
        const ledger = dispatched.typescript.find((body) => JSON.stringify(body).includes("GeneralLedger"));
        assert.match(JSON.stringify(ledger), /"read_uncommitted":true/, "the ledger is paced");
        assert.deepStrictEqual(dispatched.yaml, dispatched.typescript);
        assert.deepStrictEqual(dispatched.python, dispatched.typescript);
    });

    /** The README's fenced block of `language` in `section` whose first line is `firstLine`, without that line. */
    function readmeBlock(section: string, language: string, firstLine: string): string {
        const readme = fs.readFileSync(README, "utf8");
        const start = readme.indexOf(`\n## ${section}\n`);
        const text = readme.slice(start, readme.indexOf("\n## ", start + 1));
        const block = [...text.matchAll(/```(\w+)\n([^]*?)```/g)].find((m) => m[1] === language && m[2].startsWith(`${firstLine}\n`));
        assert.ok(start >= 0 && block, `README.md has a ${language} block "${firstLine}" in ${section}`);
        return block[2].slice(firstLine.length + 1);
    }

    it("the README's Python program: its Pulumi.yaml, requirements.txt and __main__.py as written, installed as it says, dispatch the dependent after the job it waits for", async function () {
        const emu = await emulator();
        emulators.push(emu);
        const dir = pluginExampleProject("python", fs.mkdtempSync(path.join(os.tmpdir(), "timbal-readme-python-")), tarball);
        for (const file of fs.readdirSync(dir)) if (/\.(py|yaml|txt)$/.test(file)) fs.rmSync(path.join(dir, file));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), readmeBlock("Use from Python", "yaml", "# Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "requirements.txt"), readmeBlock("Use from Python", "text", "# requirements.txt"));
        fs.writeFileSync(path.join(dir, "__main__.py"), readmeBlock("Use from Python", "python", "# __main__.py"));
        const cli = new PulumiCli(dir, binDir, { TIMBAL_API_KEY: emu.apiKey }, AS_A_USER);
        await cli.ok(["install", "--no-plugins"]);
        await cli.ok(["stack", "init", "dev"]);
        await cli.ok(["config", "set", "timbal:orgId", ORG]);
        await cli.ok(["config", "set", "timbal:baseUrl", emu.url]);
        // The wait runs in the emulator's time: its clock moves a minute every 200 ms of the machine's.
        const fastClock = setInterval(() => emu.world.advance(60_000), 200);
        const up = await cli.ok(["up", "--yes"]).finally(() => clearInterval(fastClock));
        assert.match(up.output, /orders_state\s*: "dispatched"/);
        assert.deepStrictEqual(emu.world.jobs.map((job) => job.destTable), ["stage_orders", "orders"]);
        const [stage, orders] = emu.world.jobs;
        // In the emulator's time: when orders was dispatched, stage_orders had finished.
        assert.ok(orders.createdAt >= Date.parse(emu.world.view(stage).finished_at!), "orders was dispatched before stage_orders finished");
    });
});
