import * as assert from "assert";
import { DEFAULT_SEED, type Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { emulator } from "../../harness/fixtures";
import { typescriptProject } from "../../harness/language-projects";
import { PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";

// `dependsOn: [job]` on a job that waits means "after the job finished", in every form a program writes it; on a job
// that does not wait, after its dispatch. Proven with the real CLI from the emulator's own records: when each POST
// arrived (its request log), and when each job finished.

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const wait = { timeoutSeconds: 120, pollIntervalSeconds: 0.5 };
const job = (name: string, table: string, opts?: pulumi.CustomResourceOptions, waitForCompletion?: object) =>
    new ConnectorJob(name, {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: name,
        mode: "append",
        source: { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "id" },
        waitForCompletion,
    }, opts);

// The staged load, then the loads that read the staged table, each naming it its own way.
const stage = job("stage", "slow_source", undefined, wait);
job("final", "stage", { dependsOn: [stage] });
job("final_direct", "stage", { dependsOn: stage });
job("final_output", "stage", { dependsOn: stage.id.apply(() => [stage]) });
job("final_promise", "stage", { dependsOn: Promise.resolve([stage]) });

// A component whose child waits: depending on the component, or on the parented job itself.
class Pipeline extends pulumi.ComponentResource {
    readonly stage: ConnectorJob;
    constructor(name: string) {
        super("acme:index:Pipeline", name);
        this.stage = job(name + "_stage", "slow_source", { parent: this }, wait);
        this.registerOutputs({});
    }
}
const pipeline = new Pipeline("pipeline");
job("after_pipeline", "stage", { dependsOn: [pipeline] });
job("after_parented", "stage", { dependsOn: [pipeline.stage] });

// A job that does not wait: its dependents follow its dispatch, as before.
const quick = job("quick", "slow_source");
job("after_quick", "stage", { dependsOn: [quick] });

// A job whose wait fails: its dependent is never created.
const broken = job("broken", "broken_source", undefined, wait);
job("after_broken", "stage", { dependsOn: [broken] });
`;

/** When each job's dispatch arrived (the emulator's request log: accepted POSTs, in order) and when it finished. */
function dispatches(emu: Emulator): Map<string, { postedAt: number; finishedAt?: number }> {
    const posts = emu.requests.filter((r) => r.method === "POST" && r.status === 202);
    assert.strictEqual(posts.length, emu.world.jobs.length);
    return new Map(
        emu.world.jobs.map((job, i) => {
            const finished = emu.world.view(job).finished_at;
            return [job.destTable, { postedAt: posts[i].at, finishedAt: finished ? Date.parse(finished) : undefined }];
        }),
    );
}

describe("dependsOn on a job that waits orders after the job finished (real CLI)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let up: Awaited<ReturnType<PulumiCli["run"]>>;
    let jobs: ReturnType<typeof dispatches>;

    before(async function () {
        const binDir = requirePulumiCli(this);
        // slow_source: 1.5 s queued, then 8000 rows at 2000 rows/s: each staged load runs 5.5 s. broken_source fails
        // halfway, after 3.5 s. Emulated time is real time (speed 1), so finished_at compares with the request log.
        emu = await emulator({
            failTables: ["broken_source"],
            seed: { ...DEFAULT_SEED, tableRows: { slow_source: 8000, broken_source: 8000, stage: 100 } },
        });
        cli = await emulatorStack(typescriptProject("chained", PROGRAM), binDir, emu);
        // The failed wait fails the up; --continue-on-error lets the other chains run to the end in the same up.
        up = await cli.run(["up", "--yes", "--continue-on-error"]);
        jobs = dispatches(emu);
    });

    after(async () => emu?.stop());

    for (const [dependent, dependency] of [
        ["final", "stage"],
        ["final_direct", "stage"],
        ["final_output", "stage"],
        ["final_promise", "stage"],
        ["after_pipeline", "pipeline_stage"],
        ["after_parented", "pipeline_stage"],
    ]) {
        it(`${dependent} is dispatched after ${dependency} finished`, function () {
            const first = jobs.get(dependency);
            const second = jobs.get(dependent);
            assert.ok(first?.finishedAt, `${dependency} finished`);
            assert.ok(second, `${dependent} was dispatched:\n${up.output}`);
            assert.ok(
                second.postedAt >= first.finishedAt,
                `${dependent} was dispatched ${first.finishedAt - second.postedAt} ms before ${dependency} finished`,
            );
        });
    }

    it("a dependent of a job that does not wait is dispatched after its dispatch, before it finished", function () {
        const quick = jobs.get("quick")!;
        const after = jobs.get("after_quick")!;
        assert.ok(after.postedAt >= quick.postedAt);
        assert.ok(quick.finishedAt === undefined || after.postedAt < quick.finishedAt, "after_quick waited for quick to finish");
    });

    it("a failed wait fails the up with the job's message and leaves its dependent uncreated", async function () {
        assert.notStrictEqual(up.code, 0);
        assert.match(up.output, /ended in state "failed": extraction of broken_source failed after 4000 rows/);
        assert.ok(!jobs.has("after_broken"), "after_broken was dispatched");
        const resources = await cli.resources();
        assert.ok(resources.broken, "the failed job stays in the stack");
        assert.ok(!resources.after_broken, "after_broken is not in the stack");
        assert.strictEqual(jobs.size, 11, "every other job was dispatched once");
    });
});
