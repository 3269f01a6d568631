import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { count, emulator } from "../../harness/fixtures";
import { copyExampleProject, requirePulumiCli, type PulumiCli } from "../../harness/pulumi-cli";
import { leaksIn, registerSecret } from "../../harness/secret-guard";

// The example stack through the real Pulumi CLI against a freshly started emulator: what users actually run.
// The steps build on each other, in order, on one stack.

const JOBS = ["warehouse-orders", "warehouse-order_items", "warehouse-customers", "erp-general-ledger"];
const STACK = "e2e";

describe("the real Pulumi CLI on the example stack", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let program: string;
    const transcript: string[] = [];

    async function pulumi(args: string[], env?: NodeJS.ProcessEnv) {
        const result = await cli.ok(args, { env });
        transcript.push(result.output);
        return result;
    }

    before(async function () {
        const binDir = requirePulumiCli(this);
        emu = await emulator({ speed: 1 });
        const project = copyExampleProject();
        program = path.join(project, "examples", "index.ts");
        const config = { "timbal-connector-jobs-example:salesKbId": "101", "timbal-connector-jobs-example:financeKbId": "102" };
        cli = await emulatorStack(project, binDir, emu, { stack: STACK, config, apiKey: "secret config" });
    });

    after(async function () {
        await emu?.stop();
    });

    it("1. preview dispatches nothing and lists every job to create", async function () {
        const { output } = await pulumi(["preview", "--stack", STACK]);
        assert.strictEqual(count(emu, "POST"), 0);
        for (const job of JOBS) assert.match(output, new RegExp(`\\+ +pulumi-nodejs:dynamic/timbal:ConnectorJob ${job} create`));
        assert.match(output, /\+ 5 to create/);
    });

    it("2. up dispatches exactly one job per resource; a second up has no changes", async function () {
        await pulumi(["up", "--yes", "--stack", STACK]);
        assert.strictEqual(count(emu, "POST"), JOBS.length);
        assert.strictEqual(emu.world.jobs.length, JOBS.length);
        await pulumi(["up", "--yes", "--expect-no-changes", "--stack", STACK]);
        assert.strictEqual(count(emu, "POST"), JOBS.length);
    });

    it("3. a destTable change replaces that job only, names destTable, and dispatches once", async function () {
        const source = fs.readFileSync(program, "utf8");
        fs.writeFileSync(program, source.replace("destTable: table,", 'destTable: table === "orders" ? "orders_v2" : table,'));

        const { output } = await pulumi(["preview", "--diff", "--stack", STACK]);
        assert.match(output, /\+-pulumi-nodejs:dynamic\/timbal:ConnectorJob: \(replace\)/);
        assert.match(output, /\[urn=urn:pulumi:e2e::timbal-connector-jobs-example::pulumi-nodejs:dynamic\/timbal:ConnectorJob::warehouse-orders\]/);
        assert.match(output, /~ destTable\s*: "orders" => "orders_v2"/);
        assert.match(output, /\+-1 to replace/);
        assert.ok(!/__provider/.test(output), "the serialized provider must never show in a diff");

        const preview = JSON.parse((await pulumi(["preview", "--json", "--stack", STACK])).stdout);
        const changed = preview.steps.filter((s: any) => s.op !== "same");
        assert.deepStrictEqual([...new Set(changed.map((s: any) => s.urn.split("::").pop()))], ["warehouse-orders"]);
        const replace = changed.find((s: any) => s.op === "replace");
        assert.deepStrictEqual(replace.replaceReasons, ["destTable"]);
        for (const step of preview.steps) {
            assert.ok(!(step.replaceReasons ?? []).includes("__provider") && !(step.diffReasons ?? []).includes("__provider"));
        }

        await pulumi(["up", "--yes", "--stack", STACK]);
        assert.strictEqual(count(emu, "POST"), JOBS.length + 1);
        assert.strictEqual(emu.world.jobs.at(-1)!.destTable, "orders_v2");
    });

    it("4. refresh brings state and rowsEmitted up to date once the jobs finish", async function () {
        emu.world.advance(24 * 3600 * 1000);
        await pulumi(["refresh", "--yes", "--stack", STACK]);
        const resources = await cli.resources();
        for (const job of JOBS) {
            const { outputs } = resources[job];
            assert.strictEqual(outputs.state, "succeeded", job);
            assert.strictEqual(outputs.rowsEmitted, emu.world.rowsFor(outputs.source.table), job);
            assert.ok(outputs.finishedAt, job);
        }
    });

    it("5. the secret key is nowhere in state or CLI output; a key from TIMBAL_API_KEY works too", async function () {
        const exported = (await pulumi(["stack", "export", "--stack", STACK])).stdout;
        assert.deepStrictEqual(leaksIn(exported), []);
        assert.deepStrictEqual(leaksIn(transcript.join("\n")), []);

        await pulumi(["config", "rm", "timbal:apiKey", "--stack", STACK]);
        const gets = count(emu, "GET");
        await pulumi(["up", "--yes", "--refresh", "--stack", STACK], { TIMBAL_API_KEY: emu.apiKey });
        // The refresh reads the jobs (through the connector's shared job list): with the environment's key, or it fails.
        assert.ok(count(emu, "GET") > gets, "the refresh read the jobs with the environment's key");
        assert.deepStrictEqual(leaksIn(transcript.join("\n")), []);
    });

    it("6. a wrong key fails the up with the provider's message naming the org, and state is unchanged", async function () {
        const before = await cli.resources();
        const source = fs.readFileSync(program, "utf8");
        fs.writeFileSync(program, source.replace('mode: "append",', 'mode: "append",\n        triggers: { rerun: 1 },'));
        const wrongKey = registerSecret("tmbl_e2e_wrong_key_0123456789");
        const result = await cli.run(["up", "--yes", "--stack", STACK], { env: { TIMBAL_API_KEY: wrongKey } });
        transcript.push(result.output);
        fs.writeFileSync(program, source);
        assert.notStrictEqual(result.code, 0);
        assert.match(result.output, /the API key \(from TIMBAL_API_KEY\) lacks access to org "acme-dev"/);
        assert.deepStrictEqual(leaksIn(result.output), []);
        const after = await cli.resources();
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(after).map(([name, r]) => [name, r.id])),
            Object.fromEntries(Object.entries(before).map(([name, r]) => [name, r.id])),
        );
        assert.strictEqual(emu.world.jobs.length, JOBS.length + 1, "nothing was dispatched");
    });

    it("7. destroy succeeds and dispatches nothing", async function () {
        const posts = count(emu, "POST");
        const { output } = await pulumi(["destroy", "--yes", "--stack", STACK], { TIMBAL_API_KEY: emu.apiKey });
        assert.strictEqual(count(emu, "POST"), posts);
        assert.match(output, /- 5 deleted/);
        assert.match(output, /Timbal has no cancel endpoint: the job was not cancelled/);
        assert.deepStrictEqual(Object.keys(await cli.resources()).filter((name) => JOBS.includes(name)), []);
    });
});
