import * as assert from "assert";
import type { Emulator, EmulatorOptions } from "../../emulator";
import { PartialFailure } from "../../provider/lifecycle/partial-failure";
import { completionInputs, count, emulator, emulatorEnv, inProcessProvider, ORG, ordersInputs, whileRunning, rejectionOf } from "../../harness/fixtures";
import { VirtualClock } from "../../harness/virtual-clock";

// Waiting for completion and adopting existing jobs, through the providers' methods against the emulator: the
// ConnectorJob's create dispatches and returns at once, its ConnectorJobCompletion waits. The engine side of a partial
// failure (the resource kept, the next up resuming with an update) is proven with the real CLI in cli-wait.test.ts.

const FAST_POLL = { pollIntervalSeconds: 0.05 };

const provider = (emu: Emulator) => inProcessProvider(emulatorEnv(emu));

type OneClock = ReturnType<typeof inProcessProvider> & { emu: Emulator; clock: VirtualClock; start: number };

/**
 * The providers and an emulator on one virtual clock: the waits' polls and pauses and the jobs' progress happen at
 * known instants of one timeline, which only the test moves (runOverIo, and `advance` for a "meanwhile"), with no real
 * sleep. Unless `options` say otherwise a job queues 1.5 s, then extracts 2,000 rows/s (orders: 24,000 rows).
 */
function onOneClock(options: EmulatorOptions, use: (run: OneClock) => Promise<void>): Promise<void> {
    const clock = new VirtualClock();
    return whileRunning(emulator({ ...options, clock }), (emu) => use({ emu, clock, start: clock.now(), ...inProcessProvider(emulatorEnv(emu), { clock }) }));
}

/** Orders queues 100 ms, then its 24,000 rows take 100 ms: it finishes 200 ms after its dispatch (a failing one, at 150 ms). */
const ORDERS_IN_200_MS: EmulatorOptions = { queueMs: 100, rowsPerSec: 240_000 };

describe("waitForCompletion", function () {
    it("create returns right after the dispatch; the completion waits for the job and returns its final view", async function () {
        await onOneClock(ORDERS_IN_200_MS, async ({ emu, clock, start, p, c, lines }) => {
            const { inputs } = await p.check({}, ordersInputs({ waitForCompletion: FAST_POLL }));
            const created = await p.create(inputs);
            assert.strictEqual(created.outs.state, "dispatched", "create does not wait");
            assert.strictEqual(count(emu, "GET"), 0, "create reads nothing after the dispatch: its id reaches state at once");
            assert.match(lines[0], new RegExp(`^dispatched job ${created.id} `), "the id is shown before waiting");
            const done = await clock.runOverIo(c.create(completionInputs(created, FAST_POLL)));
            assert.strictEqual(clock.now() - start, 200, "the poll at 200 ms saw it finished");
            assert.strictEqual(done.id, created.id);
            assert.strictEqual(done.outs.state, "succeeded");
            assert.strictEqual(done.outs.rowsEmitted, 24000);
            assert.ok(done.outs.finishedAt);
            // What an interruption does is each shell's to say (its entry wraps the log: host/, plugin/).
            const progress = lines.filter((l) => /job job_\w+ .*: (queued|running), [\d,]+ rows/.test(l));
            assert.ok(progress.length > 0, lines.join("\n"));
            assert.strictEqual(count(emu, "POST"), 1);
        });
    });

    it("fails with the job's own message and keeps the job (partial failure carrying id and outputs)", async function () {
        await onOneClock({ ...ORDERS_IN_200_MS, failTables: ["orders"] }, async ({ emu, clock, p, c }) => {
            const { inputs } = await p.check({}, ordersInputs({ waitForCompletion: FAST_POLL }));
            const created = await p.create(inputs);
            const waiting = completionInputs(created, FAST_POLL);
            const err = await rejectionOf(clock.runOverIo(c.create(waiting)), PartialFailure);
            assert.strictEqual(err.id, emu.world.jobs[0].id);
            assert.match(err.message, /ended in state "failed": extraction of orders failed after 12000 rows.*change `triggers` or run `pulumi up --replace <urn>`/);
            assert.strictEqual(err.properties.state, "failed");
            assert.strictEqual(err.properties.destTable, "orders");
            assert.deepStrictEqual(err.reasons, [err.message]);

            // The next up resumes with an update: it fails the same way and dispatches nothing.
            const again = await rejectionOf(c.update(err.id, err.properties, waiting), PartialFailure);
            assert.match(again.message, /ended in state "failed"/);
            assert.strictEqual(count(emu, "POST"), 1);
        });
    });

    it("times out keeping the job; the next up's update waits on the same job, with no second dispatch", async function () {
        await onOneClock({}, async ({ emu, clock, start, p, c }) => {
            const wait = { timeoutSeconds: 0.3, pollIntervalSeconds: 0.05 };
            const created = await p.create((await p.check({}, ordersInputs({ waitForCompletion: wait }))).inputs);
            const waiting = completionInputs(created, wait);
            const err = await rejectionOf(clock.runOverIo(c.create(waiting)), PartialFailure);
            assert.strictEqual(clock.now() - start, 300, "it gave up at its deadline, to the millisecond");
            assert.match(err.message, /did not finish within 0\.3 s \(last seen: queued, 0 rows\)\. It stays in the stack: the next `pulumi up` waits for the same job again and dispatches nothing/);
            assert.strictEqual(err.properties.state, "queued");

            clock.advance(3600_000); // the next up, an hour later
            const resumed = await clock.runOverIo(c.update(err.id, err.properties, waiting));
            assert.strictEqual(resumed.outs!.state, "succeeded");
            assert.strictEqual(count(emu, "POST"), 1);
        });
    });

    it("switching it on for a running job is an in-place update of the job, and its new completion waits on that job", async function () {
        await onOneClock(ORDERS_IN_200_MS, async ({ emu, clock, start, p, c, lines }) => {
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            const { inputs: waiting } = await p.check(created.outs, ordersInputs({ waitForCompletion: FAST_POLL }));
            assert.deepStrictEqual(await p.diff(created.id, created.outs, waiting), {
                changes: true,
                replaces: [],
                deleteBeforeReplace: false,
                fieldDiffs: [{ path: "waitForCompletion", kind: "add", replaces: false }],
            });
            const updated = await p.update(created.id, created.outs, waiting);
            assert.strictEqual(updated.outs!.state, "dispatched", "the job's own update never waits");
            const done = await clock.runOverIo(c.create(completionInputs(created, FAST_POLL)));
            assert.strictEqual(done.outs.state, "succeeded");
            assert.strictEqual(clock.now() - start, 200, "it waited until the poll that saw the job finished");
            const unfinished = lines.filter((l) => new RegExp(`^job ${created.id} .*: (queued|running), [\\d,]+ rows`).test(l));
            assert.strictEqual(unfinished.length, 4, `polls at 0, 50, 100 and 150 ms saw it unfinished:\n${lines.join("\n")}`);
            assert.strictEqual(count(emu, "POST"), 1);
        });
    });

    it("waits on many jobs of one connector with one list request per poll", async function () {
        // The jobs queue 900 ms, then extract a million rows a second (each table in under 100 ms): the poll at
        // 1000 ms sees all six finished.
        await onOneClock({ queueMs: 900, rowsPerSec: 1_000_000 }, async ({ emu, clock, p, c, lines }) => {
            const jobs = [];
            for (const table of ["orders", "customers", "order_items", "a", "b", "c"]) {
                jobs.push(await p.create((await p.check({}, ordersInputs({ destTable: table, source: { kind: "postgres", connectionRef: "w", table, cursorColumn: "id" } }))).inputs));
            }
            const getsBefore = count(emu, "GET");
            lines.length = 0;
            await clock.runOverIo(Promise.all(jobs.map((job) => c.create(completionInputs(job, { pollIntervalSeconds: 0.2 })))));
            const polls = Math.max(...jobs.map((job) => lines.filter((l) => l.includes(job.id)).length));
            assert.strictEqual(polls, 6, "polls at 0, 200, 400, 600, 800 and 1000 ms");
            assert.strictEqual(count(emu, "GET") - getsBefore, polls, "one list request per poll for all six waiters");
        });
    });

    it("a job that was listed and then vanished from the list fails the wait within a few polls, and keeps the job", async function () {
        await onOneClock({}, async ({ emu, clock, start, p, c }) => {
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            const waiting = c.create(completionInputs(created, { timeoutSeconds: 600, pollIntervalSeconds: 0.05 }));
            clock.at(start + 300, () => emu.world.jobs.splice(0)); // as after a restart of the API that forgot the job
            const err = await rejectionOf(clock.runOverIo(waiting), PartialFailure);
            assert.strictEqual(clock.now() - start, 400, "it vanished before the poll at 300 ms; the polls at 300, 350 and 400 ms missed it");
            assert.match(err.message, new RegExp(`job ${created.id} .* is no longer in Timbal's job list \\(missing from 3 polls in a row; last seen: queued`));
            assert.match(err.message, /change `triggers` or run `pulumi up --replace <urn>`; to stop waiting on it, set waitForCompletion to false/);
            assert.strictEqual(err.id, created.id, "the job stays in the stack");
            assert.strictEqual(count(emu, "POST"), 1);
        });
    });
});

describe("adoptJobId", function () {
    let emu: Emulator;
    let existing: string;
    beforeEach(async function () {
        emu = await emulator();
        // A job dispatched by hand, outside the stack.
        const res = await fetch(`${emu.url}/orgs/${ORG}/connectors/warehouse-pg/jobs`, {
            method: "POST",
            headers: { Authorization: `Bearer ${emu.apiKey}`, "Content-Type": "application/json" },
            body: JSON.stringify({ kb_id: 101, dest_table: "orders", mode: "append", source: { kind: "postgres", connection_ref: "w", table: "orders", cursor_column: "id" } }),
        });
        existing = ((await res.json()) as { job_id: string }).job_id;
    });
    afterEach(async () => emu.stop());

    it("adopts a listed job instead of dispatching", async function () {
        const { p, lines } = provider(emu);
        const { inputs } = await p.check({}, ordersInputs({ mode: "append", adoptJobId: existing }));
        const created = await p.create(inputs);
        assert.strictEqual(created.id, existing);
        assert.strictEqual(created.outs.kbUid, "kb_dev_sales");
        assert.strictEqual(created.outs.adoptJobId, existing);
        assert.strictEqual(count(emu, "POST"), 1, "only the hand-made dispatch");
        assert.ok(lines.some((l) => l.includes(`${existing}`) && l.includes("adopted: nothing was dispatched")));
    });

    it("fails clearly when the job is not in the connector's list", async function () {
        const { p } = provider(emu);
        const { inputs } = await p.check({}, ordersInputs({ mode: "append", adoptJobId: "job_does_not_exist" }));
        await assert.rejects(p.create(inputs), /adoptJobId: job job_does_not_exist is not in the job list of connector "warehouse-pg" in org "acme-dev"\..*Nothing was dispatched/);
        await assert.rejects(
            p.create((await p.check({}, ordersInputs({ connectorId: "edge-box", mode: "append", adoptJobId: existing }))).inputs),
            /is not in the job list of connector "edge-box"/,
        );
        assert.strictEqual(count(emu, "POST"), 1);
    });

    it("fails clearly when the job's dest table or mode contradict the inputs", async function () {
        const { p } = provider(emu);
        const { inputs } = await p.check({}, ordersInputs({ destTable: "orders_copy", adoptJobId: existing }));
        await assert.rejects(
            p.create(inputs),
            /contradicts this resource: destTable is "orders_copy" but the job writes "orders"; mode is "create" but the job runs in "append" mode\. Make the inputs match the job, or remove adoptJobId/,
        );
        assert.strictEqual(count(emu, "POST"), 1);
    });

    it("after adoption: removing adoptJobId is no change, naming another job replaces, and a pinned resource refuses a re-dispatching change", async function () {
        const { p } = provider(emu);
        const adopted = await p.create((await p.check({}, ordersInputs({ mode: "append", adoptJobId: existing }))).inputs);
        const without = (await p.check(adopted.outs, ordersInputs({ mode: "append" }))).inputs;
        assert.strictEqual((await p.diff(adopted.id, adopted.outs, without)).changes, false);
        const other = (await p.check(adopted.outs, ordersInputs({ mode: "append", adoptJobId: "job_other" }))).inputs;
        assert.deepStrictEqual((await p.diff(adopted.id, adopted.outs, other)).replaces, ["adoptJobId"]);
        const { failures } = await p.check(adopted.outs, ordersInputs({ mode: "append", adoptJobId: existing, triggers: 2 }));
        assert.match(failures![0].reason, new RegExp(`^adoptJobId: this resource is pinned to the adopted job ${existing}, so a change to triggers cannot dispatch a new job\\. Remove adoptJobId`));
    });
});
