import * as assert from "assert";
import type { Emulator } from "../../emulator";
import { emulator, ORG, whileRunning } from "../../harness/fixtures";
import { registerSecret } from "../../harness/secret-guard";

// The emulator against the spec, over plain HTTP (no provider code): auth, status codes, job lifecycle, pacing.

async function request(emu: Emulator, method: string, path: string, body?: unknown, key: string | null = emu.apiKey) {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    const res = await fetch(`${emu.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
}

const DISPATCH = `/orgs/${ORG}/connectors/warehouse-pg/jobs`;
const LIST = `/orgs/${ORG}/connectors/jobs`;
const BODY = {
    kb_id: 101,
    dest_table: "orders",
    source: { kind: "postgres", connection_ref: "warehouse", table: "orders", cursor_column: "id" },
};

describe("emulator: the connector-jobs API as the spec describes it", function () {
    let emu: Emulator;
    beforeEach(async () => (emu = await emulator({ queueMs: 1000, rowsPerSec: 2000 })));
    afterEach(async () => emu.stop());

    it("202 with a job id on a valid dispatch; the job is listed", async function () {
        const dispatched = await request(emu, "POST", DISPATCH, BODY);
        assert.strictEqual(dispatched.status, 202);
        assert.match(dispatched.body.job_id, /^job_[0-9a-f]{16}$/);
        const listed = await request(emu, "GET", LIST);
        assert.strictEqual(listed.status, 200);
        assert.deepStrictEqual(listed.body.jobs.map((j: any) => j.id), [dispatched.body.job_id]);
    });

    it("403 on a missing or wrong key, and on an org the key cannot use", async function () {
        assert.strictEqual((await request(emu, "GET", LIST, undefined, null)).status, 403);
        assert.strictEqual((await request(emu, "GET", LIST, undefined, registerSecret("tmbl_wrong_emulator_key"))).status, 403);
        assert.strictEqual((await request(emu, "GET", "/orgs/unknown-org/connectors/jobs")).status, 403);
        assert.strictEqual((await request(emu, "POST", DISPATCH, BODY, null)).status, 403);
        assert.strictEqual(emu.world.jobs.length, 0);
    });

    const bad: [string, unknown, number, RegExp][] = [
        ["malformed JSON", "{not json", 400, /not valid JSON/],
        ["a missing kb_id", { ...BODY, kb_id: undefined }, 400, /missing field `kb_id`/],
        ["a missing source.cursor_column", { ...BODY, source: { ...BODY.source, cursor_column: undefined } }, 400, /missing field `source.cursor_column`/],
        ["a kb_id of the wrong type", { ...BODY, kb_id: "101" }, 400, /invalid value for `kb_id`/],
        ["a negative batch_rows", { ...BODY, batch_rows: -1 }, 400, /invalid value for `batch_rows`/],
        ["an unknown mode", { ...BODY, mode: "upsert" }, 422, /unknown mode `upsert`/],
        ["an unknown placement", { ...BODY, placement: "cloud" }, 422, /unknown placement `cloud`/],
        ["an unknown source kind", { ...BODY, source: { ...BODY.source, kind: "mysql" } }, 422, /unknown source kind `mysql`/],
        ["a source kind the connector does not advertise", { ...BODY, source: { ...BODY.source, kind: "sql_server" } }, 422, /does not advertise source:sql_server/],
        ["placement local on a connector without kb:local", { ...BODY, placement: "local" }, 422, /needs the kb:local capability/],
        ["an unknown KB", { ...BODY, kb_id: 999 }, 404, /kb 999 not found in org acme-dev/],
    ];
    for (const [what, body, status, message] of bad) {
        it(`${status} on ${what}, creating no job`, async function () {
            const res = await request(emu, "POST", DISPATCH, body);
            assert.strictEqual(res.status, status);
            assert.match(res.body.message, message);
            assert.strictEqual(emu.world.jobs.length, 0);
        });
    }

    it("404 on an unknown connector", async function () {
        const res = await request(emu, "POST", `/orgs/${ORG}/connectors/nope/jobs`, BODY);
        assert.strictEqual(res.status, 404);
        assert.match(res.body.message, /connector nope not found in org acme-dev/);
    });

    it("accepts placement local on a connector with kb:local", async function () {
        const res = await request(emu, "POST", `/orgs/${ORG}/connectors/edge-box/jobs`, { ...BODY, placement: "local" });
        assert.strictEqual(res.status, 202);
    });

    it("filters the list by connector_id, newest first", async function () {
        const a = await request(emu, "POST", DISPATCH, BODY);
        const b = await request(emu, "POST", `/orgs/${ORG}/connectors/edge-box/jobs`, BODY);
        const c = await request(emu, "POST", DISPATCH, { ...BODY, dest_table: "orders_2" });
        const all = await request(emu, "GET", LIST);
        assert.deepStrictEqual(all.body.jobs.map((j: any) => j.id), [c.body.job_id, b.body.job_id, a.body.job_id]);
        const one = await request(emu, "GET", `${LIST}?connector_id=warehouse-pg`);
        assert.deepStrictEqual(one.body.jobs.map((j: any) => j.id), [c.body.job_id, a.body.job_id]);
    });

    it("moves a job queued → running → succeeded with consistent rows, times and rate", async function () {
        await request(emu, "POST", DISPATCH, BODY); // orders: 24000 rows at 2000 rows/s = 12 s after 1 s queued
        const view = async () => (await request(emu, "GET", LIST)).body.jobs[0];
        const queued = await view();
        assert.strictEqual(queued.state, "queued");
        assert.strictEqual(queued.rows_emitted, 0);
        assert.strictEqual(queued.started_at, null);
        assert.strictEqual(queued.finished_at, null);
        assert.strictEqual(queued.duration_ms, null);
        assert.strictEqual(queued.sync_id, null);

        emu.world.advance(1000 + 6000);
        const running = await view();
        assert.strictEqual(running.state, "running");
        assert.ok(running.rows_emitted >= 12000 && running.rows_emitted < 24000, String(running.rows_emitted));
        assert.strictEqual(running.finished_at, null);
        assert.ok(running.duration_ms >= 6000);
        assert.ok(running.rows_per_sec > 1900 && running.rows_per_sec <= 2000, String(running.rows_per_sec));

        emu.world.advance(60_000);
        const done = await view();
        assert.strictEqual(done.state, "succeeded");
        assert.strictEqual(done.rows_emitted, 24000);
        assert.strictEqual(Date.parse(done.finished_at) - Date.parse(done.started_at), done.duration_ms);
        assert.strictEqual(done.duration_ms, 12000);
        assert.strictEqual(done.rows_per_sec, 2000);
        assert.strictEqual(done.updated_at, done.finished_at);
    });

    it("respects max_rows_per_sec and batch_delay_ms pacing", async function () {
        await request(emu, "POST", DISPATCH, { ...BODY, batch_rows: 1000, pacing: { max_rows_per_sec: 500, batch_delay_ms: 1000 } });
        emu.world.advance(24 * 3600 * 1000);
        const done = (await request(emu, "GET", LIST)).body.jobs[0];
        // 1000-row batches at 500 rows/s take 2 s, plus 1 s of delay: 333 rows/s.
        assert.ok(done.rows_per_sec <= 500);
        assert.ok(Math.abs(done.rows_per_sec - 333.3) < 1, String(done.rows_per_sec));
    });

    it("fails jobs of a configured table halfway, with a message", async function () {
        await whileRunning(emulator({ failTables: ["orders"] }), async (failing) => {
            await request(failing, "POST", DISPATCH, BODY);
            failing.world.advance(3600 * 1000);
            const job = (await request(failing, "GET", LIST)).body.jobs[0];
            assert.strictEqual(job.state, "failed");
            assert.strictEqual(job.rows_emitted, 12000);
            assert.ok(job.finished_at);
            assert.match(job.message, /extraction of orders failed after 12000 rows/);
        });
    });

    it("fails a configured share of jobs", async function () {
        await whileRunning(emulator({ failureRate: 0.5 }), async (flaky) => {
            for (let i = 0; i < 40; i++) await request(flaky, "POST", DISPATCH, { ...BODY, dest_table: `t${i}` });
            flaky.world.advance(24 * 3600 * 1000);
            const failed = (await request(flaky, "GET", LIST)).body.jobs.filter((j: any) => j.state === "failed").length;
            assert.ok(failed > 8 && failed < 32, `${failed} of 40 failed`);
        });
    });

    it("runs faster with a speed factor, keeping emulated times consistent", async function () {
        await whileRunning(emulator({ speed: 1000, queueMs: 1000 }), async (fast) => {
            await request(fast, "POST", DISPATCH, { ...BODY, source: { ...BODY.source, table: "customers" } });
            await new Promise((r) => setTimeout(r, 100)); // 100 s emulated: 5200 rows need 3.6 s
            const job = (await request(fast, "GET", LIST)).body.jobs[0];
            assert.strictEqual(job.state, "succeeded");
            assert.strictEqual(job.duration_ms, 2600);
        });
    });

    it("logs every request with method, path, org, connector and status", async function () {
        await request(emu, "POST", DISPATCH, BODY);
        await request(emu, "GET", `${LIST}?connector_id=warehouse-pg`);
        assert.deepStrictEqual(
            emu.requests.map(({ method, path, orgId, connectorId, status }) => ({ method, path, orgId, connectorId, status })),
            [
                { method: "POST", path: DISPATCH, orgId: ORG, connectorId: "warehouse-pg", status: 202 },
                { method: "GET", path: LIST, orgId: ORG, connectorId: "warehouse-pg", status: 200 },
            ],
        );
    });
});
