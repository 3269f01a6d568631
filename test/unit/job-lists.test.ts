import * as assert from "assert";
import { createJobLists, SHARE_WINDOW_MS } from "../../provider/jobs/job-lists";
import { FakeTimbalApi, memoryLog } from "../../harness/fake-timbal-api";
import { VirtualClock } from "../../harness/virtual-clock";
import { ORG } from "../../harness/fixtures";

// One list request serves many readers of a connector's list: in flight it is joined, finished it is reused while
// fresh enough. In virtual time, against a TimbalApi in memory.

function setUp(options = {}) {
    const clock = new VirtualClock();
    const api = new FakeTimbalApi(clock);
    const log = memoryLog();
    const lists = createJobLists(api, log, options, clock);
    const ref = (id: string, connectorId = "warehouse-pg") => ({ id, orgId: ORG, connectorId });
    return { clock, api, log, lists, ref };
}

describe("unit: job-list sharing", function () {
    it("reads of one connector made together share one request; another connector has its own", async function () {
        const { api, lists, ref } = setUp();
        const ids = ["a", "b", "c"].map((id) => api.addJob({ id, connector_id: "warehouse-pg" }));
        api.addJob({ id: "d", connector_id: "erp-sqlserver" });
        const views = await Promise.all([...ids.map((id) => lists.find(ref(id), "shared")), lists.find(ref("d", "erp-sqlserver"), "shared")]);
        assert.deepStrictEqual(views.map((v) => v?.id), ["a", "b", "c", "d"]);
        assert.deepStrictEqual(api.listRequests.map((r) => r.connectorId), ["warehouse-pg", "erp-sqlserver"]);
    });

    it("a shared read reuses a list up to the window's end, and asks again after it", async function () {
        const { clock, api, lists, ref } = setUp();
        api.addJob({ id: "a", connector_id: "warehouse-pg" });
        await lists.find(ref("a"), "shared");
        clock.advance(SHARE_WINDOW_MS - 1);
        await lists.find(ref("a"), "shared");
        assert.strictEqual(api.listRequests.length, 1, "within the window");
        clock.advance(1);
        await lists.find(ref("a"), "shared");
        assert.strictEqual(api.listRequests.length, 2, "at the window's end");
    });

    it("a fresh read never takes a list from before it, but joins one started in the same millisecond", async function () {
        const { clock, api, lists, ref } = setUp();
        api.addJob({ id: "a", connector_id: "warehouse-pg" });
        await Promise.all([lists.find(ref("a"), "shared"), lists.find(ref("a"), "fresh")]);
        assert.strictEqual(api.listRequests.length, 1, "same millisecond: joined");
        clock.advance(1);
        await lists.find(ref("a"), "fresh");
        assert.strictEqual(api.listRequests.length, 2, "a millisecond later: a request of its own");
    });

    it("a failed request is not shared with the reads that come after it", async function () {
        const { api, lists, ref } = setUp();
        api.addJob({ id: "a", connector_id: "warehouse-pg" });
        api.listOutcomes.push("unavailable");
        await assert.rejects(lists.find(ref("a"), "shared"), /unavailable/);
        assert.strictEqual((await lists.find(ref("a"), "shared"))?.id, "a");
        assert.strictEqual(api.listRequests.length, 2);
    });

    it("without sharing (the benchmark's baseline), each read makes its own request", async function () {
        const { api, lists, ref } = setUp({ share: false });
        api.addJob({ id: "a", connector_id: "warehouse-pg" });
        await Promise.all([lists.find(ref("a"), "shared"), lists.find(ref("a"), "shared"), lists.find(ref("a"), "fresh")]);
        assert.strictEqual(api.listRequests.length, 3);
    });

    it("a job off the spec fails only its own read, naming the field; the warning is given once", async function () {
        const { api, log, lists, ref } = setUp();
        api.addJob({ id: "good", connector_id: "warehouse-pg" });
        api.addJob({ id: "bad", connector_id: "warehouse-pg" });
        delete api.jobs[1].rows_emitted;
        assert.strictEqual((await lists.find(ref("good"), "fresh"))?.id, "good");
        await assert.rejects(lists.find(ref("bad"), "shared"), /job bad in the job list of connector "warehouse-pg" \(org "acme-dev"\) does not match the Timbal API spec: .*rows_emitted/);
        assert.strictEqual(log.lines.filter((line) => line.includes("skipping job bad")).length, 1, log.lines.join("\n"));
        assert.strictEqual(await lists.find(ref("missing"), "shared"), undefined, "a job not listed is undefined, not an error");
    });
});
