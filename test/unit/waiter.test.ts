import * as assert from "assert";
import { createJobLists } from "../../provider/jobs/job-lists";
import { createWaiter, NEVER_LISTED_GRACE_MS, WaitEnded, type WaitOptions } from "../../provider/jobs/waiter";
import { withProgressNote } from "../../provider/support/log";
import { FakeTimbalApi, memoryLog } from "../../harness/fake-timbal-api";
import { ORG } from "../../harness/fixtures";
import { VirtualClock } from "../../harness/virtual-clock";

// Waiting for jobs: one poll loop per connector, whatever the number of waiters; backoff from about a second up to
// the waiters' cap; deadlines kept to the millisecond. In virtual time, against a TimbalApi in memory.

const HOUR: WaitOptions = { timeoutMs: 3600_000, pollCapMs: 15_000 };

function setUp(shareLoops = true) {
    const clock = new VirtualClock();
    const api = new FakeTimbalApi(clock);
    const log = memoryLog();
    const waiter = createWaiter(createJobLists(api, log, { share: shareLoops }, clock), log, { shareLoops }, clock);
    const watched = (id: string) => ({ id, orgId: ORG, connectorId: "warehouse-pg", label: `job ${id}` });
    /** Milliseconds since the start of each list request. */
    const pollTimes = (start: number) => api.listRequests.map((r) => r.at - start);
    return { clock, api, log, waiter, watched, pollTimes };
}

describe("unit: the waiter", function () {
    it("five waiters of one connector share one poll loop: one list request per poll", async function () {
        const { clock, api, waiter, watched, pollTimes } = setUp();
        const start = clock.now();
        const ids = [1, 2, 3, 4, 5].map((n) => api.addJob({ id: `job_${n}`, connector_id: "warehouse-pg" }));
        const waits = Promise.all(ids.map((id) => waiter.waitFor(watched(id), HOUR)));
        clock.sleep(4000).then(() => ids.forEach((id) => api.finish(id)));
        const views = await clock.run(waits);
        assert.deepStrictEqual(views.map((v) => v.state), Array(5).fill("succeeded"));
        assert.deepStrictEqual(pollTimes(start), [0, 1000, 2500, 4750], "one request per poll, not one per waiter");
    });

    it("without shared loops (the benchmark's baseline), each waiter polls on its own", async function () {
        const { clock, api, waiter, watched } = setUp(false);
        const ids = [1, 2, 3].map((n) => api.addJob({ id: `job_${n}`, connector_id: "warehouse-pg" }));
        const waits = Promise.all(ids.map((id) => waiter.waitFor(watched(id), HOUR)));
        clock.sleep(2000).then(() => ids.forEach((id) => api.finish(id)));
        await clock.run(waits);
        assert.strictEqual(api.listRequests.length, 3 * 3, "three waiters, three polls each (0, 1000, 2500 ms)");
    });

    it("backs off by half again from a second, up to the smallest cap its waiters asked for", async function () {
        const { clock, api, waiter, watched, pollTimes } = setUp();
        const start = clock.now();
        const id = api.addJob({ id: "job_slow", connector_id: "warehouse-pg" });
        clock.sleep(10_000).then(() => api.finish(id));
        await clock.run(waiter.waitFor(watched(id), { timeoutMs: 3600_000, pollCapMs: 2000 }));
        const pauses = pollTimes(start).slice(1).map((t, i) => t - pollTimes(start)[i]);
        assert.deepStrictEqual(pauses.slice(0, 4), [1000, 1500, 2000, 2000]);
    });

    it("gives up at the deadline, to the millisecond, with the last view it saw", async function () {
        const { clock, api, waiter, watched } = setUp();
        const start = clock.now();
        const id = api.addJob({ id: "job_long", connector_id: "warehouse-pg", state: "running", rows_emitted: 12 });
        const err = await clock.run(waiter.waitFor(watched(id), { timeoutMs: 5000, pollCapMs: 15_000 }).then(() => assert.fail("it finished"), (e) => e));
        assert.ok(err instanceof WaitEnded && err.reason === "timeout", String(err));
        assert.match(err.message, /job job_long did not finish within 5 s \(last seen: running, 12 rows\)/);
        assert.strictEqual(err.lastView?.id, id);
        assert.strictEqual(clock.now() - start, 5000);
    });

    it("a listed job missing from three polls in a row has left the list: the wait ends, naming it", async function () {
        const { clock, api, waiter, watched } = setUp();
        const id = api.addJob({ id: "job_gone", connector_id: "warehouse-pg", state: "running" });
        clock.sleep(500).then(() => api.remove(id));
        const err = await clock.run(waiter.waitFor(watched(id), HOUR).then(() => assert.fail("it finished"), (e) => e));
        assert.ok(err instanceof WaitEnded && err.reason === "not-listed", String(err));
        assert.match(err.message, /job job_gone is no longer in Timbal's job list \(missing from 3 polls in a row; last seen: running, 0 rows\)/);
        assert.strictEqual(api.listRequests.length, 4, "one poll that saw it, three that did not");
    });

    it("a job never listed is waited for through the grace period, then the wait ends", async function () {
        const { clock, waiter, watched } = setUp();
        const start = clock.now();
        const err = await clock.run(waiter.waitFor(watched("job_never"), HOUR).then(() => assert.fail("it finished"), (e) => e));
        assert.ok(err instanceof WaitEnded && err.reason === "not-listed", String(err));
        assert.match(err.message, /has not appeared in Timbal's job list in [\d.]+ s of polling/);
        assert.ok(clock.now() - start >= NEVER_LISTED_GRACE_MS, `gave up after ${clock.now() - start} ms`);
    });

    it("a waiter whose job is off the spec fails alone; the others of its loop go on", async function () {
        const { clock, api, waiter, watched } = setUp();
        const good = api.addJob({ id: "job_good", connector_id: "warehouse-pg" });
        const bad = api.addJob({ id: "job_bad", connector_id: "warehouse-pg" });
        api.update(bad, { state: 42 as never });
        const badWait = waiter.waitFor(watched(bad), HOUR).then(() => assert.fail("it finished"), (e: Error) => e);
        const goodWait = waiter.waitFor(watched(good), HOUR);
        clock.sleep(3000).then(() => api.finish(good));
        const [err, view] = await clock.run(Promise.all([badWait, goodWait]));
        assert.match(err.message, /job job_bad in the job list of .* does not match the Timbal API spec: state/);
        assert.strictEqual(view.state, "succeeded");
    });

    it("cancel ends every wait at once, with the last view seen, and every wait asked for afterwards", async function () {
        const { clock, api, waiter, watched } = setUp();
        const ids = [1, 2].map((n) => api.addJob({ id: `job_${n}`, connector_id: "warehouse-pg", state: "running", rows_emitted: 7 }));
        const waits = ids.map((id) => waiter.waitFor(watched(id), HOUR).then(() => assert.fail("it finished"), (e) => e));
        await clock.run(clock.sleep(3000));
        const polls = api.listRequests.length;
        waiter.cancel();
        const errors = await clock.run(Promise.all(waits));
        for (const err of errors) {
            assert.ok(err instanceof WaitEnded && err.reason === "cancelled", String(err));
            assert.match(err.message, /the deployment was cancelled while waiting for job job_\d \(last seen: running, 7 rows\)/);
            assert.strictEqual(err.lastView?.rows_emitted, 7);
        }
        const later = await clock.run(waiter.waitFor(watched(ids[0]), HOUR).then(() => assert.fail("it waited"), (e) => e));
        assert.ok(later instanceof WaitEnded && later.reason === "cancelled");
        await clock.run(clock.sleep(60_000));
        assert.strictEqual(api.listRequests.length, polls, "no poll after the cancel");
    });

    it("progress lines go to the waiting call's reporter, their numbers as a person reads them", async function () {
        const { clock, api, log, waiter, watched } = setUp(true);
        const rows: string[] = [];
        log.progressReporter = () => (line) => rows.push(line);
        const id = api.addJob({ id: "job_row", connector_id: "warehouse-pg", state: "running", rows_emitted: 12000, rows_per_sec: 1666.6666666666665 });
        clock.sleep(1500).then(() => api.finish(id));
        await clock.run(waiter.waitFor(watched(id), HOUR));
        assert.ok(rows.length >= 2, rows.join("\n"));
        assert.strictEqual(rows[0], "job job_row: running, 12,000 rows, 1,667 rows/s");
    });

    it("a shell's progress note ends each progress line, on the reporter the log gives (or its info lines)", function () {
        const lines: string[] = [];
        const plain = { info: (line: string) => lines.push(`info ${line}`), warn: () => undefined };
        withProgressNote(plain, "Ctrl-C stops waiting").progressReporter!()("job job_1: running, 5 rows");
        const onRow = { ...plain, progressReporter: () => (line: string) => lines.push(`row ${line}`) };
        withProgressNote(onRow, "Ctrl-C stops waiting").progressReporter!()("job job_1: running, 5 rows");
        assert.deepStrictEqual(lines, ["info job job_1: running, 5 rows. Ctrl-C stops waiting", "row job job_1: running, 5 rows. Ctrl-C stops waiting"]);
    });
});
