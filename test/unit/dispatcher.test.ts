import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createDispatchJournal } from "../../provider/jobs/dispatch-journal";
import { RECONCILE_FOR_MS, UnconfirmedDispatch } from "../../provider/jobs/dispatcher";
import { extractionDigest } from "../../provider/jobs/extraction-digest";
import { createJobs } from "../../provider/jobs/jobs-service";
import { checkInputs } from "../../provider/lifecycle/check-inputs";
import type { ConnectorJobInputs } from "../../provider/fields/connector-job-fields";
import { FakeTimbalApi, memoryLog } from "../../harness/fake-timbal-api";
import { ORG, ordersInputs } from "../../harness/fixtures";
import { VirtualClock } from "../../harness/virtual-clock";

// Exactly once on an API without idempotency keys: a lost answer is looked for in the job list before anything is
// sent again. In virtual time, against a TimbalApi in memory that loses the answers a test asks it to.

function checked(overrides: Record<string, unknown> = {}): ConnectorJobInputs {
    const { inputs, failures } = checkInputs(ordersInputs(overrides), { orgId: ORG, baseUrl: "https://fake.timbal.test" });
    assert.deepStrictEqual(failures, []);
    return inputs;
}

function setUp(journalDir: string | false = false) {
    const clock = new VirtualClock();
    const api = new FakeTimbalApi(clock);
    const log = memoryLog();
    const journal = createDispatchJournal(journalDir, log, clock);
    const jobs = createJobs(api, log, journal, { clock });
    return { clock, api, log, journal, jobs };
}

describe("unit: the dispatcher", function () {
    it("dispatches once, with the declared wire body", async function () {
        const { clock, api, jobs } = setUp();
        const { id, how } = await clock.run(jobs.dispatch(checked()));
        assert.strictEqual(how, "dispatched");
        assert.deepStrictEqual(api.jobs.map((j) => j.id), [id]);
        assert.deepStrictEqual(api.dispatches[0].request, {
            kb_id: 101,
            dest_table: "orders",
            source: { kind: "postgres", connection_ref: "warehouse", table: "orders", cursor_column: "updated_at", schema: "public" },
            mode: "create",
            batch_rows: 5000,
            placement: "hosted",
        });
    });

    it("a lost answer whose job was created: found in the list and adopted, never sent again", async function () {
        const { clock, api, log, jobs } = setUp();
        api.dispatchOutcomes.push("lost-after-create");
        const { id } = await clock.run(jobs.dispatch(checked()));
        assert.strictEqual(api.dispatches.length, 1);
        assert.deepStrictEqual(api.jobs.map((j) => j.id), [id]);
        assert.match(log.lines.join("\n"), new RegExp(`Found job ${id} .* adopting it, not dispatching again`));
    });

    it("a lost answer that created nothing: sent again once the list shows no job, leaving one job", async function () {
        const { clock, api, jobs } = setUp();
        api.dispatchOutcomes.push("lost");
        const { id } = await clock.run(jobs.dispatch(checked()));
        assert.strictEqual(api.dispatches.length, 2);
        assert.deepStrictEqual(api.jobs.map((j) => j.id), [id]);
    });

    it("gives up after three lost answers that created nothing, saying nothing was created", async function () {
        const { clock, api, jobs } = setUp();
        api.dispatchOutcomes.push("lost", "lost", "lost");
        await assert.rejects(clock.run(jobs.dispatch(checked())), /The job list shows no such job after 3 attempts; giving up\. Nothing was created/);
        assert.strictEqual(api.dispatches.length, 3);
        assert.strictEqual(api.jobs.length, 0);
    });

    it("a lost answer with an unreadable list: kept unconfirmed after the reconcile time, nothing sent again", async function () {
        const { clock, api, jobs } = setUp();
        const start = clock.now();
        api.dispatchOutcomes.push("lost-after-create");
        api.listOutcomes.push(...Array(100).fill("unavailable"));
        const err = await clock.run(jobs.dispatch(checked()).then(() => assert.fail("it dispatched"), (e) => e));
        assert.ok(err instanceof UnconfirmedDispatch, String(err));
        assert.strictEqual(err.since, start);
        assert.strictEqual(api.dispatches.length, 1);
        assert.ok(clock.now() - start >= RECONCILE_FOR_MS - 20_000 && clock.now() - start <= RECONCILE_FOR_MS, `gave up after ${clock.now() - start} ms`);
    });

    it("two resources of one destination whose answers are both lost each find their own job", async function () {
        const { clock, api, jobs } = setUp();
        api.dispatchOutcomes.push("lost-after-create", "lost-after-create");
        const [a, b] = await clock.run(Promise.all([jobs.dispatch(checked({ triggers: 1 })), jobs.dispatch(checked({ triggers: 2 }))]));
        assert.notStrictEqual(a.id, b.id);
        assert.deepStrictEqual(api.jobs.map((j) => j.id).sort(), [a.id, b.id].sort());
        assert.strictEqual(api.dispatches.length, 2);
    });

    it("a lost answer never takes the job of a dispatch of the same destination whose answer is still on its way", async function () {
        const { clock, api, jobs } = setUp();
        api.dispatchOutcomes.push("late", "lost-after-create");
        const [a, b] = await clock.run(Promise.all([jobs.dispatch(checked({ triggers: 1 })), jobs.dispatch(checked({ triggers: 2 }))]));
        assert.deepStrictEqual([a.id, b.id], ["job_1", "job_2"], "each resource records the job its own dispatch created");
        assert.strictEqual(api.dispatches.length, 2);
    });

    it("an extraction kept unconfirmed in state: its job is found in the list, and nothing is sent", async function () {
        const inputs = checked();
        const { clock, api, jobs } = setUp(false);
        const since = clock.now();
        clock.advance(5000);
        const earlier = api.addJob({ connector_id: "warehouse-pg" });
        const { id, how } = await clock.run(jobs.dispatch(inputs, { unconfirmedSince: since }));
        assert.deepStrictEqual([id, how], [earlier, "found"]);
        assert.strictEqual(api.dispatches.length, 0);
    });

    it("a dispatch an interrupted run answered but never recorded: its job is taken, nothing is sent", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-journal-"));
        const inputs = checked();
        const first = setUp(dir);
        const { id } = await first.clock.run(first.jobs.dispatch(inputs));
        // The run is killed here: its journal entry stays. The next run is another provider process.
        const next = setUp(dir);
        const again = await next.clock.run(next.jobs.dispatch(inputs));
        assert.deepStrictEqual([again.id, again.how], [id, "found"]);
        assert.strictEqual(next.api.dispatches.length, 0);
    });

    it("a run policy's re-dispatch an interrupted run answered: the old job's resource in state does not settle it, and the next re-dispatch takes its job", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-journal-"));
        const inputs = checked();
        const first = setUp(dir);
        const { id: oldId } = await first.clock.run(first.jobs.dispatch(inputs));
        first.journal.handedOver(oldId);
        first.journal.deploymentEnded();
        // A later run: diff decided the run policy's re-dispatch after oldId (same inputs); killed after the answer.
        const rerun = setUp(dir);
        assert.strictEqual(rerun.api.addJob({ connector_id: "warehouse-pg" }), oldId, "the same Timbal: the old job is there");
        const { id: newId, how } = await rerun.clock.run(rerun.jobs.dispatch(inputs, { follows: oldId }));
        assert.deepStrictEqual([how, rerun.api.dispatches.length], ["dispatched", 1], "the re-dispatch is sent, not taken for the old job");
        // The next run: check and diff see the old job's resource in state, and diff decides the re-dispatch again.
        const next = setUp(dir);
        next.journal.recorded({ extraction: extractionDigest(inputs) });
        next.journal.recorded({ jobId: oldId });
        const again = await next.clock.run(next.jobs.dispatch(inputs, { follows: oldId }));
        assert.deepStrictEqual([again.id, again.how], [newId, "found"]);
        assert.strictEqual(next.api.dispatches.length, 0);
    });

    it("a deployment that ends while a create still waits on its job keeps that job's entry: the engine never got the id", async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-journal-"));
        const inputs = checked();
        const first = setUp(dir);
        const { id } = await first.clock.run(first.jobs.dispatch(inputs));
        const returned = await first.clock.run(first.jobs.dispatch(checked({ triggers: "returned" })));
        first.journal.handedOver(returned.id);
        // The CLI stops the provider (its SIGINT) while the first create still waits: the second create returned.
        first.journal.deploymentEnded();
        const next = setUp(dir);
        const again = await next.clock.run(next.jobs.dispatch(inputs));
        assert.deepStrictEqual([again.id, again.how], [id, "found"]);
        const other = await next.clock.run(next.jobs.dispatch(checked({ triggers: "returned" })));
        assert.strictEqual(other.how, "dispatched", "the job handed to the engine is in state: its entry went");
    });

    it("an interrupted run's entry is judged on the clock that stamped it: kept at 6 days, dropped at 8", async function () {
        const DAY_MS = 24 * 3600_000;
        for (const [days, expected] of [[6, "found"], [8, "dispatched"]] as const) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-journal-"));
            const inputs = checked();
            const first = setUp(dir);
            const { id } = await first.clock.run(first.jobs.dispatch(inputs));
            // The next run is another provider process, `days` later on the same timeline.
            const next = setUp(dir);
            next.clock.advance(days * DAY_MS);
            const again = await next.clock.run(next.jobs.dispatch(inputs));
            assert.strictEqual(again.how, expected, `after ${days} days`);
            if (expected === "found") assert.strictEqual(again.id, id);
            assert.strictEqual(fs.readdirSync(dir).filter((name) => name.endsWith(".json")).length, 1, "one entry: the last dispatch's");
        }
    });

    it("adopting a job claims it: a lost answer of the same destination never takes it", async function () {
        const { clock, api, jobs } = setUp();
        const adopted = api.addJob({ connector_id: "warehouse-pg" });
        await clock.run(jobs.adopt(checked(), adopted));
        api.dispatchOutcomes.push("lost-after-create");
        const { id } = await clock.run(jobs.dispatch(checked({ triggers: "new" })));
        assert.notStrictEqual(id, adopted);
    });
});
