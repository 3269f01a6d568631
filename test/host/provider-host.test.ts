import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { count, emulator, ORG, ordersInputs, UNKNOWN } from "../../harness/fixtures";
import { ProviderHost, secret, type HostCallError } from "../../harness/provider-host";
import { dynamicType } from "../../provider/fields/type-tokens";
import { URN_INPUT } from "../../provider/host/resource-rows";
import { captureProviderText, registerUnderMocks } from "../../harness/provider-text";
import { leaksIn } from "../../harness/secret-guard";

// The whole lifecycle through the real Pulumi provider host, with the __provider text a real ConnectorJob
// serializes. This is what catches serialization failures, undefined outputs and secrets handling.

const DIFF_NONE = 1;
const DIFF_SOME = 2;

describe("the real provider host over gRPC", function () {
    let emu: Emulator;
    let host: ProviderHost;
    let providerText: string;

    before(async function () {
        emu = await emulator(); // real-time clock: "queued right after create" must not race a fast clock
        providerText = await captureProviderText(ordersInputs() as any);
        // Tests move the emulator's clock between calls; a refresh here must not reuse the create's list.
        host = await ProviderHost.start(providerText, { TIMBAL_JOB_LIST_WINDOW_MS: "0" });
        await host.configure({
            "timbal:apiKey": secret(emu.apiKey),
            "timbal:orgId": ORG,
            "timbal:baseUrl": emu.url,
        });
    });

    after(async function () {
        await host?.stop();
        await emu?.stop();
    });

    it("registers as pulumi-nodejs:dynamic/timbal:ConnectorJob", async function () {
        const registered = await registerUnderMocks(ordersInputs() as any);
        assert.strictEqual(registered.type, "pulumi-nodejs:dynamic/timbal:ConnectorJob");
    });

    it("keeps the serialized provider under 8 KB, capturing nothing but the loader", function () {
        const bytes = Buffer.byteLength(providerText);
        assert.ok(bytes < 8 * 1024, `__provider is ${bytes} bytes`);
        assert.ok(!/zod|axios|safeParse/.test(providerText), "the shim must not capture the implementation");
        assert.ok(!/exports/.test(providerText.replace("exports.handler", "")), "the shim must not capture a module object");
    });

    it("loads the implementation by the package's own name and ./host export", function () {
        const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
        assert.ok(providerText.includes(`require("${pkg.name}/host")`));
        assert.ok(pkg.exports["./host"], "package.json must export ./host");
    });

    it("check fills defaults and the configured org and base URL, sending nothing", async function () {
        const before = emu.requests.length;
        const { inputs, failures } = await host.check(ordersInputs());
        assert.deepStrictEqual(failures, []);
        assert.strictEqual(inputs.orgId, ORG);
        assert.strictEqual(inputs.baseUrl, emu.url);
        assert.strictEqual(inputs.mode, "create");
        assert.strictEqual(inputs.placement, "hosted");
        assert.strictEqual(emu.requests.length, before);
    });

    it("check names each bad field and what is allowed, sending nothing", async function () {
        const before = emu.requests.length;
        const { failures } = await host.check(
            ordersInputs({ kbId: "101", mode: "upsert", source: { kind: "mysql", connectionRef: "w", table: "t", cursorColumn: "id" } }),
        );
        const reasons = failures.map((f) => f.reason);
        assert.ok(reasons.some((r) => r.startsWith('source.kind: must be "postgres" or "sql_server"')), reasons.join("\n"));
        assert.ok(reasons.some((r) => r.startsWith("kbId: must be an integer")), reasons.join("\n"));
        assert.ok(reasons.some((r) => r.startsWith('mode: must be "create", "append" or "replace"')), reasons.join("\n"));
        assert.strictEqual(failures.length, 3);
        assert.strictEqual(emu.requests.length, before);
    });

    it("check accepts Pulumi's unknown-value placeholder during preview", async function () {
        const { failures, inputs } = await host.check(ordersInputs({ kbId: UNKNOWN, destTable: UNKNOWN }));
        assert.deepStrictEqual(failures, []);
        assert.strictEqual(inputs.kbId, UNKNOWN);
    });

    it("create dispatches exactly once and returns the job id at once, as dispatched", async function () {
        const posts = count(emu, "POST");
        const gets = count(emu, "GET");
        const { inputs } = await host.check(ordersInputs());
        const created = await host.create(inputs);
        assert.strictEqual(count(emu, "POST"), posts + 1);
        assert.strictEqual(count(emu, "GET"), gets, "no list request before the id goes back to the engine");
        assert.match(created.id, /^job_/);
        assert.strictEqual(created.properties.state, "dispatched");
        assert.strictEqual(created.properties.destTable, "orders");
        assert.strictEqual(created.properties.baseUrl, emu.url);
        assert.ok(created.properties.__provider, "outputs keep __provider, as the engine needs");
    });

    it("diff: no change is no diff; the provider code and job status are never a reason", async function () {
        const { inputs } = await host.check(ordersInputs());
        const created = await host.create(inputs);
        const olds = { ...created.properties, __provider: "some older serialized provider" };
        const same = await host.diff(created.id, olds, inputs);
        assert.deepStrictEqual(same, { changes: DIFF_NONE, replaces: [] });
    });

    it("diff: a change to a dispatched field, triggers, or the org is a replacement naming exactly those", async function () {
        const { inputs } = await host.check(ordersInputs());
        const created = await host.create(inputs);
        const changed = await host.check(ordersInputs({ destTable: "orders_v2", triggers: { rerun: 2 }, orgId: "acme-prod" }));
        const diff = await host.diff(created.id, created.properties, changed.inputs);
        assert.strictEqual(diff.changes, DIFF_SOME);
        assert.deepStrictEqual([...diff.replaces].sort(), ["destTable", "orgId", "triggers"]);
    });

    it("read (refresh) returns the job's current view from one list request", async function () {
        const { inputs } = await host.check(ordersInputs());
        const created = await host.create(inputs);
        emu.world.advance(60 * 60 * 1000);
        const gets = count(emu, "GET");
        const read = await host.read(created.id, created.properties);
        assert.strictEqual(count(emu, "GET"), gets + 1);
        assert.strictEqual(emu.requests.at(-1)!.connectorId, "warehouse-pg");
        assert.strictEqual(read.id, created.id);
        assert.strictEqual(read.properties.state, "succeeded");
        assert.strictEqual(read.properties.rowsEmitted, 24000);
        assert.ok(read.properties.finishedAt);
        assert.strictEqual(read.properties.destTable, "orders", "inputs are kept in the outputs");
    });

    it("read keeps the last known view of a job missing from the list, with a warning", async function () {
        const { inputs } = await host.check(ordersInputs());
        const created = await host.create(inputs);
        const gone = "job_not_in_the_list";
        const listedBefore = { ...created.properties, state: "running", createdAt: "2026-11-28T10:00:00Z", updatedAt: "2026-11-28T10:00:01Z" };
        const read = await host.read(gone, listedBefore);
        assert.strictEqual(read.id, gone);
        assert.strictEqual(read.properties.state, "running");
        await host.waitForOutput(/job_not_in_the_list .* is no longer in Timbal's job list; keeping its last known status/);
    });

    it("update never dispatches", async function () {
        const { inputs } = await host.check(ordersInputs());
        const created = await host.create(inputs);
        const posts = count(emu, "POST");
        const outs = await host.update(created.id, created.properties, inputs);
        assert.strictEqual(count(emu, "POST"), posts);
        assert.strictEqual(outs.state, created.properties.state);
        assert.strictEqual(outs.destTable, "orders");
    });

    it("delete sends nothing and says the job was not cancelled", async function () {
        const { inputs } = await host.check(ordersInputs());
        const created = await host.create(inputs);
        const before = emu.requests.length;
        await host.delete(created.id, created.properties);
        assert.strictEqual(emu.requests.length, before);
        await host.waitForOutput(new RegExp(`${created.id} .* removed from the stack\\. Timbal has no cancel endpoint`));
    });

    it("refresh and destroy write on the job's own row: the URN the program passes (__urn) stays in its outputs", async function () {
        const urn = `urn:pulumi:test::timbal::${dynamicType("connectorJob")}::rows`;
        const { inputs } = await host.check({ ...ordersInputs({ destTable: "rows" }), [URN_INPUT]: urn });
        const created = await host.create(inputs);
        assert.strictEqual(created.properties[URN_INPUT], urn, "kept in the outputs, which read and delete receive");
        const listedBefore = { ...created.properties, state: "running", createdAt: "2026-11-28T10:00:00Z", updatedAt: "2026-11-28T10:00:01Z" };
        const read = await host.read("job_gone_from_rows", listedBefore);
        assert.strictEqual(read.properties[URN_INPUT], urn, "and in what read returns");
        await host.delete(created.id, read.properties);
        await host.waitForOutput(/job_gone_from_rows .* is no longer in Timbal's job list/);
        await host.waitForOutput(new RegExp(`${created.id} .* removed from the stack`));
        const rowOf = (pattern: RegExp) => host.lines.find((line) => pattern.test(line.message))?.urn;
        assert.strictEqual(rowOf(/job_gone_from_rows .* is no longer in Timbal's job list/), urn, "refresh's line on the job's row");
        assert.strictEqual(rowOf(new RegExp(`${created.id} .* removed from the stack`)), urn, "destroy's line on the job's row");
    });

    it("a create the API rejects fails with the API's own reason", async function () {
        const { inputs } = await host.check(ordersInputs({ source: { kind: "sql_server", connectionRef: "w", table: "t", cursorColumn: "id" } }));
        await assert.rejects(host.create(inputs), (err: HostCallError) => {
            assert.match(err.details, /HTTP 422.*does not advertise source:sql_server/);
            return true;
        });
    });

    it("never shows the API key, even though configure received it", async function () {
        // Output of its own (a dispatch and a forget), so that the check does not rest on earlier tests.
        const { inputs } = await host.check(ordersInputs({ destTable: "leak_check" }));
        const created = await host.create(inputs);
        await host.delete(created.id, created.properties);
        await host.waitForOutput(new RegExp(`${created.id} .* removed from the stack`));
        assert.ok(host.output.includes(`dispatched job ${created.id}`), "the host printed nothing to check");
        assert.deepStrictEqual(leaksIn(host.output), []);
    });
});
