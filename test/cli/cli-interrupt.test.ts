import * as assert from "assert";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack, emulatorStackConfig } from "../../harness/cli-stack";
import { emulator } from "../../harness/fixtures";
import { typescriptProject } from "../../harness/language-projects";
import { describeProcesses, startCli, watchAftermath } from "../../harness/interrupt";
import { PulumiCli, requirePulumiCli, writeStackConfig, type ExportedResource } from "../../harness/pulumi-cli";

// Interrupting `pulumi up` while it waits, with the real CLI, as users and CI runners do: one Ctrl-C, two Ctrl-C, and
// SIGKILL of the CLI's process group; then what a user runs next (`pulumi cancel --yes` where the file backend asks
// for it, then `pulumi up --yes`). What must hold: exactly one job per resource, recorded in state, waited for; no
// process of the stack alive after the CLI is gone; a deliberate re-dispatch still dispatches.

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const config = new pulumi.Config();
for (const name of config.require("jobs").split(",")) {
    new ConnectorJob(name, {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: name,
        mode: "append",
        source: { kind: "postgres", connectionRef: "warehouse", table: "order_items", cursorColumn: "id" },
        pacing: { maxRowsPerSec: 100 },
        triggers: config.get(name + "Trigger"),
        waitForCompletion: { timeoutSeconds: 600, pollIntervalSeconds: 0.5 },
    });
}
`;
const TYPE = "pulumi-nodejs:dynamic/timbal:ConnectorJob";

describe("interrupting pulumi up with the real CLI", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let configFile: string;
    const config: Record<string, string> = {};
    const jobsOf = (table: string) => emu.world.jobs.filter((job) => job.destTable === table).map((job) => job.id);
    const setConfig = (values: Record<string, string>) => writeStackConfig(configFile, Object.assign(config, values));
    const resources = async (): Promise<Record<string, ExportedResource>> => cli.resources();

    /** What a user runs after an interruption: `pulumi up`, with `pulumi cancel` first when the stack is locked. */
    async function upAgain(): Promise<string> {
        let result = await cli.run(["up", "--yes"]);
        if (result.code !== 0 && /pulumi cancel/.test(result.output)) {
            await cli.ok(["cancel", "--yes"]);
            result = await cli.run(["up", "--yes"]);
        }
        if (result.code !== 0) throw new Error(`pulumi up exited ${result.code}:\n${result.output}`);
        return result.output;
    }

    before(async function () {
        const binDir = requirePulumiCli(this);
        // order_items: 61000 rows at 100 rows/s, a ten-minute wait unless the test moves the emulator's clock.
        emu = await emulator();
        cli = await emulatorStack(typescriptProject("interrupt", PROGRAM), binDir, emu);
        configFile = path.join(cli.projectDir, "Pulumi.dev.yaml");
        setConfig(emulatorStackConfig(emu, { "interrupt:jobs": "first" }));
    });

    after(async () => emu?.stop());

    it("one Ctrl-C does not end the wait (the engine waits for it), the progress lines say so; two Ctrl-C stop it, and the next up records and waits for the same job", async function () {
        const up = startCli(cli, ["up", "--yes"]);
        await up.waitFor(/dispatched job job_\w+/);
        await up.waitFor(/Ctrl-C twice stops waiting; the next `pulumi up` resumes the wait and dispatches nothing/);
        const dispatched = jobsOf("first");
        assert.strictEqual(dispatched.length, 1);
        // The job is recorded before the wait starts.
        assert.strictEqual((await resources()).first?.id, dispatched[0]);

        up.interrupt();
        await up.waitFor(/\^C received; cancelling/, 10_000);
        const firstCtrlC = Date.now();
        // No supported way for a dynamic provider to hear the first Ctrl-C: the engine waits for the step.
        const early = await Promise.race([up.exited.then(() => "exited"), new Promise((resolve) => setTimeout(() => resolve("waiting"), 3000))]);
        assert.strictEqual(early, "waiting");
        up.interrupt();
        const code = await up.exited;
        assert.notStrictEqual(code, 0);
        assert.ok(Date.now() - firstCtrlC < 10_000, "the second Ctrl-C ends the CLI at once");

        emu.world.advance(3600_000);
        const output = await upAgain();
        assert.deepStrictEqual(jobsOf("first"), dispatched, "nothing dispatched again");
        const now = await resources();
        assert.strictEqual(now.first.id, dispatched[0]);
        assert.strictEqual(now["first-completion"].outputs.state, "succeeded");
        assert.doesNotMatch(output, /dispatched job/);
        // The engine keeps its record of the interrupted step (a pending create of the completion, never of the job)
        // until it is cleared; clearing it is safe and dispatches nothing.
        const pending = () => cli.ok(["stack", "export"]).then((r) => JSON.parse(r.stdout).deployment.pending_operations ?? []);
        assert.deepStrictEqual((await pending()).map((op: any) => [op.type, op.resource.urn.split("::").pop()]), [["creating", "first-completion"]]);
        assert.match(output, /first-completion/);
        await cli.ok(["refresh", "--yes", "--clear-pending-creates"]);
        assert.deepStrictEqual(await pending(), []);
        await cli.ok(["up", "--yes", "--expect-no-changes"]);
        assert.deepStrictEqual(jobsOf("first"), dispatched);
    });

    it("SIGKILL of the CLI's process group mid-wait: nothing of the stack lives on or burns CPU, and the next up records and waits for the same job", async function () {
        setConfig({ "interrupt:jobs": "first,second" });
        const up = startCli(cli, ["up", "--yes"]);
        await up.waitFor(/job job_\w+ of connector "warehouse-pg" → KB 101 table "second" .*: queued/);
        up.killGroup();
        await up.exited;
        const aftermath = await watchAftermath(up.mark, 10);
        // Pulumi's own language host outlives a killed CLI until its 5-minute health check; idle, it is not ours to end.
        const ours = aftermath.survivors.filter((pid) => !aftermath.idleLanguageHosts.includes(pid));
        assert.deepStrictEqual(ours, [], `processes of the killed run still alive after 10 s (${describeProcesses(ours)}):\n${up.output()}`);
        assert.ok(aftermath.cpuSeconds < 1, `the killed run's processes burnt ${aftermath.cpuSeconds} s of CPU`);

        const dispatched = jobsOf("second");
        assert.strictEqual(dispatched.length, 1);
        emu.world.advance(3600_000);
        await upAgain();
        assert.deepStrictEqual(jobsOf("second"), dispatched, "nothing dispatched again");
        assert.deepStrictEqual(jobsOf("first").length, 1);
        const now = await resources();
        assert.strictEqual(now.second.id, dispatched[0]);
        assert.strictEqual(now["second-completion"].outputs.state, "succeeded");
    });

    it("a deliberate re-dispatch still dispatches, also while the previous job of the destination runs: a triggers change, and pulumi up --replace", async function () {
        setConfig({ "interrupt:firstTrigger": "rerun-1" });
        const up = startCli(cli, ["up", "--yes"]);
        await up.waitFor(/table "first" .*: queued/);
        const [, rerun] = jobsOf("first");
        assert.ok(rerun, "the triggers change dispatched a second job");
        up.interrupt();
        await up.waitFor(/\^C received; cancelling/, 10_000);
        up.interrupt();
        await up.exited;
        assert.strictEqual((await resources()).first.id, rerun, "the re-dispatched job is recorded despite the interruption");

        // That job is still running: --replace dispatches anyway (and the interrupted wait is resumed on the new job).
        await cli.run(["cancel", "--yes"]);
        const replacing = startCli(cli, ["up", "--yes", "--replace", `urn:pulumi:dev::interrupt::${TYPE}::first`]);
        await replacing.waitFor(/dispatched job job_\w+ of connector "warehouse-pg" → KB 101 table "first"/);
        assert.strictEqual(emu.world.view(emu.world.jobs.find((job) => job.id === rerun)!).finished_at, null, "the previous job still runs");
        emu.world.advance(3600_000);
        assert.strictEqual(await replacing.exited, 0, replacing.output());
        assert.strictEqual(jobsOf("first").length, 3, replacing.output());
        assert.strictEqual((await resources()).first.id, jobsOf("first")[2]);
        assert.strictEqual((await resources())["first-completion"].outputs.state, "succeeded");
    });

    it("a job that was listed and has vanished from the list fails the wait within a few polls, and stays in the stack", async function () {
        setConfig({ "interrupt:firstTrigger": "rerun-2" });
        await cli.run(["cancel", "--yes"]);
        const up = startCli(cli, ["up", "--yes"]);
        await up.waitFor(/table "first" .*: queued/);
        const vanished = jobsOf("first").at(-1)!;
        const removedAt = Date.now();
        emu.world.jobs.splice(emu.world.jobs.findIndex((job) => job.id === vanished), 1);
        const code = await up.exited;
        assert.notStrictEqual(code, 0);
        assert.ok(Date.now() - removedAt < 15_000, `the wait ended ${(Date.now() - removedAt) / 1000} s after the job vanished`);
        assert.match(up.output(), new RegExp(`job ${vanished} .* is no longer in Timbal's job list \\(missing from 3 polls in a row`));
        assert.match(up.output(), /to run the extraction again, change `triggers` or run `pulumi up --replace <urn>`/);
        assert.strictEqual((await resources()).first.id, vanished, "the job stays in the stack");
    });
});
