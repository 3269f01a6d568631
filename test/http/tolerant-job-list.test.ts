import * as assert from "assert";
import { completionInputs, inProcessProvider, ORG, ordersInputs, whileRunning, QUICK_RETRY } from "../../harness/fixtures";
import { json, scriptedServer, type ScriptedServer } from "../../harness/scripted-server";
import { registerSecret } from "../../harness/secret-guard";
import { VirtualClock } from "../../harness/virtual-clock";
import { parseTime } from "../../provider/api/wire";

// The job list holds every job of a connector: other stacks', hand-made ones, newer API versions'. It is read job by
// job: one job the provider cannot read is skipped with one warning, and fails only the resource whose own job it is.
// Everything the spec allows is accepted. A dispatch answered off-spec is reconciled like a lost answer.

const KEY = registerSecret("tmbl_tolerant_list_key_0123456789");

/** A job as the spec describes it (JobView), with overrides. */
function job(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        id,
        connector_id: "warehouse-pg",
        kb_uid: "kb_dev_sales",
        dest_table: "orders",
        mode: "create",
        state: "running",
        rows_emitted: 10,
        created_at: "2026-11-28T10:00:00Z",
        updated_at: "2026-11-28T10:00:01Z",
        ...overrides,
    };
}

/** A server whose dispatch answers `dispatchBody` and whose list answers `jobs()`. */
async function api(jobs: () => unknown[], dispatchBody: unknown = { job_id: "job_ours" }): Promise<ScriptedServer> {
    return scriptedServer((req, res) => (req.method === "POST" ? json(res, 202, dispatchBody) : json(res, 200, { jobs: jobs(), next_page: null })));
}

function provider(server: ScriptedServer, clock?: VirtualClock) {
    return inProcessProvider({ TIMBAL_API_KEY: KEY, TIMBAL_BASE_URL: server.url, TIMBAL_ORG_ID: ORG }, { timeoutMs: 2000, retry: QUICK_RETRY, clock });
}

describe("a job list with jobs the provider cannot read, and everything the spec allows", function () {
    it("a malformed job of someone else's is skipped with one warning naming it, however many reads; our job reads fine", async function () {
        const foreign = job("job_foreign", { finished_at: "2026-13-45T99:00:00Z", rows_emitted: "lots" });
        await whileRunning(api(() => [job("job_ours"), foreign, { no_id: true }]), async (server) => {
            const { p, lines } = provider(server);
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            for (let i = 0; i < 3; i++) {
                const read = await p.read!(created.id, created.outs);
                assert.strictEqual(read.props!.state, "running");
            }
            const warnings = lines.filter((l) => l.startsWith("warn: skipping job job_foreign"));
            assert.strictEqual(warnings.length, 1, lines.join("\n"));
            assert.match(warnings[0], /job list of connector "warehouse-pg" \(org "acme-dev"\): it does not match the Timbal API spec \(rows_emitted: .*; got "lots"; finished_at: must be an RFC 3339 date-time; got "2026-13-45T99:00:00Z"\)/);
            assert.strictEqual(lines.filter((l) => l.startsWith("warn: skipping a job without an id")).length, 1);
        });
    });

    it("our own job unreadable: that resource fails with the exact field and value", async function () {
        await whileRunning(api(() => [job("job_ours", { finished_at: "yesterday" })]), async (server) => {
            const { p } = provider(server);
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            await assert.rejects(
                p.read!(created.id, created.outs),
                /job job_ours in the job list of connector "warehouse-pg" \(org "acme-dev"\) does not match the Timbal API spec: finished_at: must be an RFC 3339 date-time; got "yesterday"/,
            );
        });
    });

    it("a wait on our own unreadable job fails saying why, while another job's wait on the same list succeeds", async function () {
        let finished = false;
        const server = await api(() => [
            job("job_ours", finished ? { finished_at: "not a date" } : {}),
            job("job_other", finished ? { state: "done", finished_at: "2026-11-28T10:05:00Z" } : {}),
        ]);
        try {
            const clock = new VirtualClock(Date.now());
            const { p, c } = provider(server, clock);
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            const wait = { pollIntervalSeconds: 0.05 };
            const start = clock.now();
            const ours = c.create(completionInputs(created, wait));
            const other = c.create(completionInputs({ id: "job_other", outs: created.outs }, wait));
            clock.at(start + 200, () => (finished = true)); // both jobs finish before the poll at 200 ms
            await assert.rejects(clock.runOverIo(ours, 60_000), /job job_ours .* does not match the Timbal API spec: finished_at: must be an RFC 3339 date-time; got "not a date"/);
            assert.strictEqual((await clock.runOverIo(other, 60_000)).outs.state, "done");
            assert.strictEqual(clock.now() - start, 200, "both waits ended at the poll that saw the jobs finished");
        } finally {
            await server.stop();
        }
    });

    it("accepts leap seconds and offsets, int64 past 2^53 (nearest number, with a warning), unknown states and extra fields", async function () {
        const server = await api(() => [
            job("job_ours", {
                state: "quiesced_by_a_newer_api",
                created_at: "2026-12-31T23:59:59.5+02:00",
                started_at: "2016-12-31T23:59:60Z",
                finished_at: "2016-12-31t23:59:60.25-00:30",
                rows_emitted: 9007199254740993,
                duration_ms: 12,
                shard: { extra: true },
            }),
        ]);
        try {
            const { p, lines } = provider(server);
            const created = await p.create((await p.check({}, ordersInputs())).inputs);
            const read = await p.read!(created.id, created.outs);
            assert.strictEqual(read.props!.state, "quiesced_by_a_newer_api");
            assert.strictEqual(read.props!.finishedAt, "2016-12-31t23:59:60.25-00:30", "kept as the API wrote it");
            assert.strictEqual(read.props!.rowsEmitted, 9007199254740992, "the nearest double");
            assert.ok(lines.some((l) => /job job_ours: rows_emitted in the job list .* is past 2\^53: it is kept as the nearest number/.test(l)), lines.join("\n"));
            assert.ok(!lines.some((l) => /skipping/.test(l)));
        } finally {
            await server.stop();
        }
    });

    it("reads RFC 3339 times as the spec writes them, and refuses what is not one", function () {
        assert.strictEqual(parseTime("2016-12-31T23:59:60Z"), Date.parse("2016-12-31T23:59:59Z"));
        assert.strictEqual(parseTime("2026-11-28T12:00:00+02:00"), Date.parse("2026-11-28T10:00:00Z"));
        assert.strictEqual(parseTime("2026-11-28 10:00:00.123z"), Date.parse("2026-11-28T10:00:00.123Z"));
        for (const bad of ["2026-11-28", "2026-11-28T10:00:00", "2026-13-01T00:00:00Z", "2026-11-28T10:61:00Z", "yesterday"]) {
            assert.ok(Number.isNaN(parseTime(bad)), bad);
        }
    });

    for (const [what, body] of [
        ["an empty job_id", { job_id: "" }],
        ["no job_id", { id: "job_ours" }],
        ["a body that is not JSON", "accepted"],
    ] as const) {
        it(`a 202 with ${what} is a lost answer: the job is found in the list, one dispatch, recorded`, async function () {
            let dispatched = false;
            const server = await scriptedServer((req, res) => {
                if (req.method === "POST") {
                    dispatched = true;
                    return json(res, 202, body);
                }
                json(res, 200, { jobs: dispatched ? [job("job_ours", { created_at: new Date().toISOString() })] : [] });
            });
            try {
                const { p, lines } = provider(server);
                const created = await p.create((await p.check({}, ordersInputs())).inputs);
                assert.strictEqual(created.id, "job_ours");
                assert.strictEqual(server.requests.filter((r) => r.method === "POST").length, 1);
                assert.match(lines.join("\n"), /the API accepted it \(HTTP 202\) but answered with .*; the job may or may not have been created\. Found job job_ours/);
            } finally {
                await server.stop();
            }
        });
    }
});
