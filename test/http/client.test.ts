import * as assert from "assert";
import type { Emulator } from "../../emulator";
import { createTimbalClient, TimbalApiError } from "../../provider/api/client";
import { INPUT_OF_WIRE_NAME } from "../../provider/fields/dispatch-body";
import { count, emulator, ORG, whileRunning, rejectionOf, QUICK_RETRY } from "../../harness/fixtures";
import { json, scriptedServer } from "../../harness/scripted-server";
import { registerSecret } from "../../harness/secret-guard";

// The HTTP client against the emulator over real HTTP, and against scripted servers for what the emulator never
// does. Every error must say what happened, where, and what to do, and never carry the key.


const REQUEST = {
    kb_id: 101,
    dest_table: "orders",
    source: { kind: "postgres" as const, connection_ref: "warehouse", table: "orders", cursor_column: "id" },
};

describe("client: the connector-jobs API over HTTP", function () {
    let emu: Emulator;
    before(async () => (emu = await emulator()));
    after(async () => emu.stop());

    it("dispatches and then finds the job in the connector's list", async function () {
        const client = createTimbalClient({ baseUrl: emu.url, apiKey: emu.apiKey });
        const { job_id } = await client.dispatchJob({ org_id: ORG, connector_id: "warehouse-pg" }, REQUEST);
        const { jobs } = await client.listJobs(ORG, "warehouse-pg");
        const job = jobs.find((j) => j.id === job_id);
        assert.ok(job);
        assert.strictEqual(job.dest_table, "orders");
        assert.strictEqual(job.kb_uid, "kb_dev_sales");
        assert.strictEqual(emu.requests.at(-1)!.connectorId, "warehouse-pg", "the list is filtered by connector");
    });

    it("403: says the key (and where it came from) lacks access to the org", async function () {
        const wrongKey = registerSecret("tmbl_wrong_key_abcdef0123");
        const client = createTimbalClient({ baseUrl: emu.url, apiKey: wrongKey, apiKeyOrigin: "TIMBAL_API_KEY" });
        const err = await rejectionOf(client.listJobs(ORG), TimbalApiError);
        assert.strictEqual(err.status, 403);
        assert.match(err.message, /the API key \(from TIMBAL_API_KEY\) lacks access to org "acme-dev" at http:\/\/127\.0\.0\.1:\d+ \(HTTP 403\)/);
    });

    it("403: a key limited to another org", async function () {
        const prodOnly = registerSecret("tmbl_prod_only_key_0123456");
        await whileRunning(emulator({ keys: { [prodOnly]: ["acme-prod"] } }), async (limited) => {
            const client = createTimbalClient({ baseUrl: limited.url, apiKey: prodOnly });
            await client.listJobs("acme-prod");
            const err = await rejectionOf(client.dispatchJob({ org_id: ORG, connector_id: "warehouse-pg" }, REQUEST), TimbalApiError);
            assert.match(err.message, /lacks access to org "acme-dev"/);
            assert.strictEqual(count(limited, "POST"), 1, "the refused dispatch reached the API once and created nothing");
            assert.strictEqual(limited.world.jobs.length, 0);
        });
    });

    it("404: names the connector and the KB it could not find in the org", async function () {
        const client = createTimbalClient({ baseUrl: emu.url, apiKey: emu.apiKey });
        const noConnector = await rejectionOf(client.dispatchJob({ org_id: ORG, connector_id: "nope" }, REQUEST), TimbalApiError);
        assert.strictEqual(noConnector.status, 404);
        assert.match(noConnector.message, /connector "nope" or KB 101 was not found in org "acme-dev" \(HTTP 404: connector nope not found/);
        const noKb = await rejectionOf(client.dispatchJob({ org_id: ORG, connector_id: "warehouse-pg" }, { ...REQUEST, kb_id: 999 }), TimbalApiError);
        assert.match(noKb.message, /KB 999 was not found in org "acme-dev" \(HTTP 404: kb 999 not found/);
    });

    it("400: passes on the API's message and names the input field", async function () {
        const client = createTimbalClient({ baseUrl: emu.url, apiKey: emu.apiKey, inputOfWireName: INPUT_OF_WIRE_NAME });
        const err = await rejectionOf(client.dispatchJob({ org_id: ORG, connector_id: "warehouse-pg" }, { ...REQUEST, kb_id: undefined } as any), TimbalApiError);
        assert.strictEqual(err.status, 400);
        assert.match(err.message, /Timbal rejected the request \(HTTP 400\): missing field `kb_id`\. Input field: kbId/);
    });

    it("422: passes on the API's message and names the input field", async function () {
        const client = createTimbalClient({ baseUrl: emu.url, apiKey: emu.apiKey, inputOfWireName: INPUT_OF_WIRE_NAME });
        const err = await rejectionOf(client.dispatchJob({ org_id: ORG, connector_id: "warehouse-pg" }, { ...REQUEST, placement: "local" }), TimbalApiError);
        assert.strictEqual(err.status, 422);
        assert.match(err.message, /HTTP 422\): placement local needs the kb:local capability.*Input field: placement/);
    });

    it("an off-spec list envelope is a clear error, not a crash; an off-spec job is read apart from the others", async function () {
        const server = await scriptedServer((req, res) =>
            req.url!.includes("acme-prod") ? json(res, 200, { jobs: [{ id: "j1", state: 3 }] }) : json(res, 200, { jobs: { j1: {} } }),
        );
        try {
            const client = createTimbalClient({ baseUrl: server.url, apiKey: emu.apiKey });
            const err = await rejectionOf(client.listJobs(ORG), TimbalApiError);
            assert.strictEqual(err.kind, "off_spec");
            assert.match(err.message, /GET \/orgs\/acme-dev\/connectors\/jobs answered with a response that does not match the Timbal API spec \(jobs: .*\)\. Is http:\/\/127.0.0.1:\d+ the Timbal API\?/);
            const listing = await client.listJobs("acme-prod");
            assert.deepStrictEqual(listing.jobs, []);
            assert.strictEqual(listing.unreadable.length, 1);
            assert.strictEqual(listing.unreadable[0].id, "j1");
            assert.match(listing.unreadable[0].problem, /^connector_id: .*; got nothing; kb_uid: .*; got nothing; dest_table: /);
        } finally {
            await server.stop();
        }
    });

    it("a body that is not JSON is a clear error", async function () {
        const server = await scriptedServer((_req, res) => {
            res.writeHead(200, { "Content-Type": "text/html" });
            res.end("<html>login</html>");
        });
        try {
            const client = createTimbalClient({ baseUrl: server.url, apiKey: emu.apiKey });
            const err = await rejectionOf(client.listJobs(ORG), TimbalApiError);
            assert.match(err.message, /answered with a body that is not JSON\. Is http:\/\/127.0.0.1:\d+ the Timbal API\?/);
        } finally {
            await server.stop();
        }
    });

    it("times out a request that gets no answer", async function () {
        await whileRunning(scriptedServer(() => undefined), async (server) => {
            const client = createTimbalClient({ baseUrl: server.url, apiKey: emu.apiKey, timeoutMs: 300, retry: QUICK_RETRY });
            const started = Date.now();
            const err = await rejectionOf(client.listJobs(ORG), TimbalApiError);
            assert.strictEqual(err.kind, "timeout");
            assert.match(err.message, /no answer within 0.3 s/);
            assert.ok(Date.now() - started < 5000);
        });
    });

    it("says when the API cannot be reached", async function () {
        const client = createTimbalClient({ baseUrl: "http://127.0.0.1:9", apiKey: emu.apiKey, retry: QUICK_RETRY });
        const err = await rejectionOf(client.listJobs(ORG), TimbalApiError);
        assert.strictEqual(err.kind, "network");
        assert.match(err.message, /cannot reach the Timbal API \(connection refused\)\. Check timbal:baseUrl/);
    });

    it("does not follow redirects (they could carry the key elsewhere)", async function () {
        const elsewhere = await scriptedServer((_req, res) => json(res, 200, { jobs: [] }));
        const redirecting = await scriptedServer((_req, res) => {
            res.writeHead(302, { Location: `${elsewhere.url}/orgs/acme-dev/connectors/jobs` });
            res.end();
        });
        try {
            const client = createTimbalClient({ baseUrl: redirecting.url, apiKey: emu.apiKey });
            const err = await rejectionOf(client.listJobs(ORG), TimbalApiError);
            assert.match(err.message, /unexpected HTTP 302/);
            assert.strictEqual(elsewhere.requests.length, 0);
        } finally {
            await redirecting.stop();
            await elsewhere.stop();
        }
    });

    it("masks the key when an API error echoes the request back", async function () {
        await whileRunning(scriptedServer((req, res) => json(res, 422, { message: `bad request with header ${req.headers.authorization}` })), async (server) => {
            const client = createTimbalClient({ baseUrl: server.url, apiKey: emu.apiKey });
            const err = await rejectionOf(client.dispatchJob({ org_id: ORG, connector_id: "warehouse-pg" }, REQUEST), TimbalApiError);
            assert.ok(!err.message.includes(emu.apiKey));
            assert.match(err.message, /bad request with header Bearer \[redacted\]/);
            assert.strictEqual(server.requests[0].authorization, `Bearer ${emu.apiKey}`, "the key was sent as a bearer token");
        });
    });

    it("answers 5xx with a try-again message", async function () {
        await whileRunning(scriptedServer((_req, res) => json(res, 503, "overloaded")), async (server) => {
            const client = createTimbalClient({ baseUrl: server.url, apiKey: emu.apiKey, retry: QUICK_RETRY });
            const err = await rejectionOf(client.listJobs(ORG), TimbalApiError);
            assert.strictEqual(err.kind, "unavailable");
            assert.match(err.message, /is unavailable \(HTTP 503: overloaded\)\. Try again later/);
        });
    });
});
