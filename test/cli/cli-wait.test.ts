import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_SEED, type Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { count, emulator } from "../../harness/fixtures";
import { typescriptProject } from "../../harness/language-projects";
import { isStoredSecret, PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";

// waitForCompletion with the real engine: a job that fails and a job that times out fail the `pulumi up` but stay in
// the stack; the next `pulumi up` resumes waiting on the same jobs (an update) and dispatches nothing; re-running is
// explicit, with `pulumi up --replace`.

/** The job broken_table's failure names, in the API's message (the emulator's). */
const BROKEN_MESSAGE = "extraction of broken_table failed after 500 rows";

const PROGRAM = `import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const waitForCompletion = { timeoutSeconds: 4, pollIntervalSeconds: 0.25 };
const job = (name: string, table: string, secretOutputs?: string[]) =>
    new ConnectorJob(name, {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: name,
        source: { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "id" },
        waitForCompletion,
    }, { additionalSecretOutputs: secretOutputs });
job("slow", "orders");
job("broken", "broken_table", ["message", "rowsEmitted"]);
`;

/** Then: broken gone, and a job that succeeds with its final status secret, read by the program. */
const SECRET_STATUS_PROGRAM = PROGRAM.replace('job("broken", "broken_table", ["message", "rowsEmitted"]);', 'export const quietRows = job("quiet", "small_table", ["message", "rowsEmitted"]).rowsEmitted;');

describe("waiting for completion with the real Pulumi CLI", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let cli: PulumiCli;
    const ids = () =>
        cli.resources().then((r) => ({
            slow: r.slow?.id,
            broken: r.broken?.id,
            // The final status lives in each job's completion, which waits on the recorded job.
            state: { slow: r["slow-completion"]?.outputs.state, broken: r["broken-completion"]?.outputs.state },
        }));

    before(async function () {
        const binDir = requirePulumiCli(this);
        // orders: 24000 rows at 2000 rows/s, far beyond the 4 s timeout; broken_table fails after 500 rows.
        emu = await emulator({ queueMs: 500, failTables: ["broken_table"], seed: { ...DEFAULT_SEED, tableRows: { orders: 24000, broken_table: 1000, small_table: 1000 } } });
        cli = await emulatorStack(typescriptProject("waiting", PROGRAM), binDir, emu);
    });

    after(async () => emu?.stop());

    let first: Awaited<ReturnType<typeof ids>>;

    it("a failed job and a timed-out job fail the up with their messages, and both stay in the stack", async function () {
        const result = await cli.run(["up", "--yes"]);
        assert.notStrictEqual(result.code, 0);
        assert.match(result.output, new RegExp(`ended in state "failed": ${BROKEN_MESSAGE}`));
        assert.match(result.output, /did not finish within 4 s \(last seen: running, [\d,]+ rows/);
        assert.match(result.output, /the next `pulumi up` waits for the same job again and dispatches nothing/);
        assert.strictEqual(count(emu, "POST"), 2);
        first = await ids();
        assert.deepStrictEqual(first.state, { slow: "running", broken: "failed" });
        assert.deepStrictEqual([first.slow, first.broken].sort(), emu.world.jobs.map((j) => j.id).sort());
    });

    it("the status outputs a program marks secret on a job (additionalSecretOutputs) are secret in its completion's state too", async function () {
        const resources = await cli.resources();
        // The job's own status is from its dispatch (no message yet); the completion's is the final one.
        for (const field of ["message", "rowsEmitted"]) assert.ok(isStoredSecret(resources["broken-completion"].outputs[field]), `the completion's ${field} is a secret in state`);
        assert.ok(isStoredSecret(resources.broken.outputs.rowsEmitted), "the job's rowsEmitted is a secret in state");
        // (The engine keeps the up's error with the resource, and that error quotes the message: README, "Waiting".)
        const outputs = JSON.stringify(Object.values(resources).map((resource) => resource.outputs));
        assert.ok(!outputs.includes(BROKEN_MESSAGE), "the failed job's message is in no output in plain text");
        assert.ok(!isStoredSecret(resources["slow-completion"].outputs.rowsEmitted), "a job that marks nothing keeps its status plain");
    });

    it("the next up waits on the same jobs: the slow one succeeds, the failed one fails again, nothing is dispatched", async function () {
        emu.world.advance(3600_000);
        // Without --continue-on-error the engine starts no step after the first failure: the failed job's completion
        // (which fails at once) can stop the slow one's before it starts (seen with the CPU busy).
        const result = await cli.run(["up", "--yes", "--continue-on-error"]);
        assert.notStrictEqual(result.code, 0, "the failed job keeps failing the up until it is re-run explicitly");
        assert.match(result.output, /ended in state "failed"/);
        assert.strictEqual(count(emu, "POST"), 2);
        const now = await ids();
        assert.strictEqual(now.slow, first.slow);
        assert.strictEqual(now.broken, first.broken);
        assert.strictEqual(now.state.slow, "succeeded");
    });

    it("pulumi up --replace re-dispatches the failed job, once", async function () {
        const urn = "urn:pulumi:dev::waiting::pulumi-nodejs:dynamic/timbal:ConnectorJob::broken";
        await cli.run(["up", "--yes", "--replace", urn]);
        assert.strictEqual(count(emu, "POST"), 3);
        const now = await ids();
        assert.notStrictEqual(now.broken, first.broken);
        assert.strictEqual(now.broken, emu.world.jobs[2].id);
        assert.strictEqual(now.slow, first.slow);
        // The replaced job stays recorded (pending deletion) until an up succeeds in removing it: nothing is lost.
        assert.deepStrictEqual(await cli.pendingDeletion(), [first.broken]);
    });

    it("a job that succeeds with its status secret: secret in both resources' state and in the program's outputs", async function () {
        fs.writeFileSync(path.join(cli.projectDir, "index.ts"), SECRET_STATUS_PROGRAM);
        await cli.ok(["up", "--yes"]);
        const resources = await cli.resources();
        assert.strictEqual(resources["quiet-completion"].outputs.state, "succeeded");
        for (const name of ["quiet", "quiet-completion"]) assert.ok(isStoredSecret(resources[name].outputs.rowsEmitted), `${name}'s rowsEmitted is a secret in state`);
        assert.deepStrictEqual(JSON.parse((await cli.ok(["stack", "output", "--json"])).stdout), { quietRows: "[secret]" });
        assert.deepStrictEqual(JSON.parse((await cli.ok(["stack", "output", "--json", "--show-secrets"])).stdout), { quietRows: 1000 });
    });
});
