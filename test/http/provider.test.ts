import * as assert from "assert";
import type { Emulator } from "../../emulator";
import { count, emulator, emulatorEnv, inProcessProvider, ORG, ordersInputs, whileRunning, rejectionOf, QUICK_RETRY, UNKNOWN } from "../../harness/fixtures";
import { json, scriptedServer } from "../../harness/scripted-server";
import { registerSecret } from "../../harness/secret-guard";

// The provider's methods in-process against the emulator: the paths the host test does not reach.



function provider(env: NodeJS.ProcessEnv, config: Record<string, string> = {}) {
    return inProcessProvider(env, { config, timeoutMs: 2000, retry: QUICK_RETRY });
}

describe("provider methods against the emulator", function () {
    let emu: Emulator;
    let env: NodeJS.ProcessEnv;
    beforeEach(async () => {
        emu = await emulator();
        env = emulatorEnv(emu);
    });
    afterEach(async () => emu.stop());

    it("stack config from configure wins over the environment", async function () {
        const { p } = provider({ ...env, TIMBAL_ORG_ID: "env-org" }, { "timbal:orgId": "acme-prod" });
        const { inputs } = await p.check({}, ordersInputs());
        assert.strictEqual(inputs.orgId, "acme-prod");
    });

    it("a bad base URL in config is a check failure naming it, and nothing is sent", async function () {
        const { p } = provider(env, { "timbal:baseUrl": "not a url" });
        const { failures } = await p.check({}, ordersInputs());
        assert.match(failures![0].reason, /the Timbal base URL from stack config timbal:baseUrl is not a URL/);
        assert.strictEqual(emu.requests.length, 0);
    });

    it("create without a key fails saying how to set one, before sending anything", async function () {
        const { p } = provider({ TIMBAL_BASE_URL: emu.url, TIMBAL_ORG_ID: ORG });
        const { inputs } = await p.check({}, ordersInputs());
        const err = await rejectionOf(p.create(inputs));
        assert.match(err.message, /no Timbal API key is configured\. Set it with `pulumi config set --secret timbal:apiKey <key>`, or TIMBAL_API_KEY/);
        assert.strictEqual(emu.requests.length, 0);
    });

    it("create with a wrong key fails naming the org and never shows the key", async function () {
        const wrong = registerSecret("tmbl_wrong_key_for_create_42");
        const { p } = provider({ ...env, TIMBAL_API_KEY: wrong });
        const { inputs } = await p.check({}, ordersInputs());
        const err = await rejectionOf(p.create(inputs));
        assert.match(err.message, /the API key \(from TIMBAL_API_KEY\) lacks access to org "acme-dev"/);
        assert.ok(!err.message.includes(wrong));
        assert.strictEqual(emu.world.jobs.length, 0);
    });

    it("create returns as soon as the dispatch is answered: one POST, no list request, the job recorded as dispatched", async function () {
        const server = await scriptedServer((req, res) =>
            req.method === "POST" ? json(res, 202, { job_id: "job_answered_1" }) : json(res, 500, "database is down"),
        );
        try {
            const { p, lines } = provider({ ...env, TIMBAL_BASE_URL: server.url });
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            assert.strictEqual(created.id, "job_answered_1");
            assert.strictEqual(created.outs.state, "dispatched");
            assert.deepStrictEqual(server.requests.map((r) => r.method), ["POST"], "nothing between the answer and the engine's checkpoint");
            assert.match(lines.join("\n"), /^dispatched job job_answered_1 of connector "warehouse-pg"/);
        } finally {
            await server.stop();
        }
    });

    it("refresh tells a job never listed yet from one that is no longer listed", async function () {
        const server = await scriptedServer((req, res) =>
            req.method === "POST" ? json(res, 202, { job_id: "job_not_listed_1" }) : json(res, 200, { jobs: [] }),
        );
        try {
            const { p, lines } = provider({ ...env, TIMBAL_BASE_URL: server.url });
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            const fresh = await p.read!(created.id, created.outs);
            assert.strictEqual(fresh.props!.state, "dispatched");
            assert.match(lines.join("\n"), /job job_not_listed_1 .* is not in Timbal's job list yet; it keeps the status `dispatched` until it is listed/);
            lines.length = 0;
            const seen = { ...created.outs, state: "running", createdAt: "2026-11-28T10:00:00Z", updatedAt: "2026-11-28T10:00:01Z" };
            const gone = await p.read!(created.id, seen);
            assert.strictEqual(gone.props!.state, "running");
            assert.match(lines.join("\n"), /job job_not_listed_1 .* is no longer in Timbal's job list; keeping its last known status \(running\)/);
            assert.doesNotMatch(lines.join("\n"), /yet/);
        } finally {
            await server.stop();
        }
    });

    it("outputs hold every input and the status, with nothing undefined or null", async function () {
        const { p } = provider(env);
        const { inputs } = await p.check({}, ordersInputs({ triggers: { v: 1 }, pacing: { maxRowsPerSec: 100 }, cursor: { id: 5 } }));
        const created = await p.create(inputs);
        for (const field of ["connectorId", "kbId", "destTable", "orgId", "baseUrl", "source", "mode", "batchRows", "cursor", "pacing", "placement", "triggers", "state", "rowsEmitted", "kbUid", "createdAt", "updatedAt"]) {
            assert.ok(field in created.outs, `${field} missing`);
        }
        const hasAbsent = (v: unknown): boolean =>
            v === undefined || v === null || (typeof v === "object" && Object.values(v as object).some(hasAbsent));
        assert.ok(!hasAbsent(created.outs));
        emu.world.advance(3600_000);
        const read = await p.read!(created.id, created.outs);
        assert.ok(!hasAbsent(read.props));
        assert.strictEqual(read.props.state, "succeeded");
        assert.strictEqual(typeof read.props.durationMs, "number");
    });

    it("read reports a failed job with its message", async function () {
        await whileRunning(emulator({ failTables: ["orders"] }), async (failing) => {
            const { p } = provider({ ...env, TIMBAL_API_KEY: failing.apiKey, TIMBAL_BASE_URL: failing.url });
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            failing.world.advance(3600_000);
            const read = await p.read!(created.id, created.outs);
            assert.strictEqual(read.props.state, "failed");
            assert.match(read.props.message, /extraction of orders failed after 12000 rows/);
        });
    });

    it("read refuses to send the key to an endpoint other than the one configured", async function () {
        const { p } = provider(env);
        const created = await p.create((await p.check({}, ordersInputs())).inputs);
        const other = provider({ ...env, TIMBAL_BASE_URL: "https://api.dev.timbal.ai" }).p;
        const before = emu.requests.length;
        const err = await rejectionOf(other.read!(created.id, created.outs));
        assert.match(err.message, /this job lives at http:\/\/127\.0\.0\.1:\d+, but the provider is configured for https:\/\/api\.dev\.timbal\.ai \(from TIMBAL_BASE_URL\)/);
        assert.strictEqual(emu.requests.length, before);
    });

    it("diff ignores key order and status fields, and treats an unknown value as a replacement", async function () {
        const { p } = provider(env);
        const { inputs } = await p.check({}, ordersInputs({ pacing: { maxRowsPerSec: 10, batchDelayMs: 5 } }));
        const created = await p.create(inputs);
        const reordered = { ...inputs, pacing: { batchDelayMs: 5, maxRowsPerSec: 10 } };
        assert.deepStrictEqual(await p.diff!(created.id, { ...created.outs, state: "succeeded", rowsEmitted: 9 }, reordered), {
            changes: false,
            replaces: [],
            deleteBeforeReplace: false,
            fieldDiffs: [],
        });
        const pending = await p.diff!(created.id, created.outs, { ...inputs, kbId: UNKNOWN });
        assert.deepStrictEqual(pending.replaces, ["kbId"]);
        assert.deepStrictEqual((pending as { fieldDiffs?: unknown }).fieldDiffs, [{ path: "kbId", kind: "update", replaces: true }]);
    });

    it("diff names each changed field: nested source and pacing changes, mode, the base URL", async function () {
        const { p } = provider(env);
        const { inputs } = await p.check({}, ordersInputs());
        const created = await p.create(inputs);
        const changed = {
            ...inputs,
            source: { ...(inputs.source as object), table: "orders_archive" },
            pacing: { maxRowsPerSec: 50 },
            mode: "replace",
            baseUrl: "https://api.timbal.ai",
        };
        const diff = await p.diff!(created.id, created.outs, changed);
        assert.deepStrictEqual([...diff.replaces!].sort(), ["baseUrl", "mode", "pacing", "source"]);
    });

    it("spelling out a default (mode, schema, batch size, org) is no change", async function () {
        const { p } = provider(env);
        const implicit = (await p.check({}, ordersInputs())).inputs;
        const created = await p.create(implicit);
        const explicit = (
            await p.check({}, ordersInputs({ mode: "create", placement: "hosted", batchRows: 5000, orgId: ORG, source: { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "updated_at", schema: "public" } }))
        ).inputs;
        assert.strictEqual((await p.diff!(created.id, created.outs, explicit)).changes, false);
        assert.strictEqual(count(emu, "POST"), 1);
    });

    it("the dispatch carries the inputs in the API's snake_case shape", async function () {
        const { p } = provider(env);
        const { inputs } = await p.check(
            {},
            ordersInputs({
                connectorId: "erp-sqlserver",
                mode: "append",
                cursor: { id: 10 },
                source: { kind: "sql_server", connectionRef: "erp", table: "GeneralLedger", cursorColumn: "id", columns: ["id", "amount"] },
                pacing: { maxDop: 1, readUncommitted: true, maxRowsPerSec: 500, batchDelayMs: 100 },
            }),
        );
        await p.create(inputs);
        assert.deepStrictEqual(emu.world.jobs[0].body, {
            kb_id: 101,
            dest_table: "orders",
            source: { kind: "sql_server", connection_ref: "erp", table: "GeneralLedger", cursor_column: "id", schema: "dbo", columns: ["id", "amount"] },
            mode: "append",
            batch_rows: 5000,
            cursor: { id: 10 },
            pacing: { batch_delay_ms: 100, max_dop: 1, max_rows_per_sec: 500, read_uncommitted: true },
            placement: "hosted",
        });
    });
});
