import * as assert from "assert";
import { DEFAULT_SEED, type Emulator } from "../../emulator";
import { emulator, ordersInputs } from "../../harness/fixtures";
import { pluginInProcess, type PluginInProcess } from "../../harness/plugin-in-process";
import { registerSecret } from "../../harness/secret-guard";
import { isMarkedSecret, markedSecret } from "../../provider/support/secret-marker";

// The plugin's gRPC service in this process (harness/plugin-in-process.ts), against the emulator and a stand-in
// engine whose resource monitor registers what Construct asks for: what Construct passes on to the job and to its
// completion, what it refuses, secrets kept wrapped through check, Cancel, read and delete, and the detailed diff. In
// seconds; the CLI suites keep what needs the real engine (secrets in state, ordering, interruptions), and the Python
// and Go ones what needs their language (cli-python.test.ts says what moved here).

const provproto = require("@pulumi/pulumi/proto/provider_pb");
const aliasproto = require("@pulumi/pulumi/proto/alias_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const WAITS = { waitForCompletion: { pollIntervalSeconds: 0.1 } };

describe("the plugin's gRPC service, in process", function () {
    this.timeout(60_000);
    let emu: Emulator;
    let plugin: PluginInProcess;

    before(async function () {
        emu = await emulator({ queueMs: 50, seed: { ...DEFAULT_SEED, tableRows: { ...DEFAULT_SEED.tableRows, small: 200 } } });
        plugin = await pluginInProcess(emu);
    });
    after(async () => {
        await plugin?.stop();
        await emu?.stop();
    });

    const job = (table: string, more: Record<string, unknown> = {}) => ordersInputs({ destTable: table, source: { kind: "postgres", connectionRef: "warehouse", table: "small", cursorColumn: "id" }, ...more });

    it("Construct registers the job with every option of the program's, and its completion with those it takes; the program reads the final status", async function () {
        const before = plugin.registered.length;
        const deletedWith = "urn:pulumi:test::plugin::timbal:index:ConnectorJob::other";
        const { urn, state } = await plugin.construct("waits", job("waits", WAITS), (request) =>
            request
                .setProtect(true)
                .setRetainondelete(true)
                .setDeletedwith(deletedWith)
                .setAdditionalsecretoutputsList(["message", "rowsEmitted", "destTable"])
                .setIgnorechangesList(["kbId"])
                .setAliasesList([new aliasproto.Alias().setUrn("urn:pulumi:test::plugin::timbal:index:ConnectorJob::old")]),
        );
        const [jobRequest, completionRequest] = plugin.registered.slice(before);
        assert.strictEqual(jobRequest.getName(), "waits");
        assert.strictEqual(urn, "urn:pulumi:test::plugin::timbal:index:ConnectorJob::waits");
        assert.deepStrictEqual(
            [jobRequest.getProtect(), jobRequest.getRetainondelete(), jobRequest.getDeletedwith(), jobRequest.getAdditionalsecretoutputsList(), jobRequest.getIgnorechangesList(), jobRequest.getAliasesList().length],
            [true, true, deletedWith, ["message", "rowsEmitted", "destTable"], ["kbId"], 1],
            "the job: every option",
        );
        assert.strictEqual(completionRequest.getName(), "waits-completion");
        assert.strictEqual(completionRequest.getParent(), urn);
        assert.deepStrictEqual(
            [completionRequest.getProtect(), completionRequest.getRetainondelete(), completionRequest.getDeletedwith(), completionRequest.getAdditionalsecretoutputsList()],
            [true, true, deletedWith, ["message", "rowsEmitted"]],
            "the completion: protect, retainOnDelete, deletedWith, and the secret status outputs",
        );
        assert.deepStrictEqual([completionRequest.getIgnorechangesList(), completionRequest.getAliasesList().length], [[], 0], "not the job's own options");
        assert.strictEqual(state.state, "succeeded", "the status is the completion's, the final one");
        assert.strictEqual(state.jobId, emu.world.jobs.find((j) => j.destTable === "waits")!.id);
    });

    it("Construct of a job that does not wait registers the job only", async function () {
        const before = plugin.registered.length;
        const { state } = await plugin.construct("quick", job("quick"), (request) => request.setProtect(true));
        assert.deepStrictEqual(plugin.registered.slice(before).map((r) => r.getName()), ["quick"]);
        assert.strictEqual(state.state, "dispatched");
    });

    it("customTimeouts on a job that waits is refused, pointing at waitForCompletion.timeoutSeconds, before anything is registered", async function () {
        const before = plugin.registered.length;
        const posts = emu.requests.filter((r) => r.method === "POST").length;
        const timeouts = new provproto.ConstructRequest.CustomTimeouts().setCreate("10m");
        await assert.rejects(
            plugin.construct("bounded", job("bounded", WAITS), (request) => request.setCustomtimeouts(timeouts)),
            /bounded: customTimeouts does not bound a job's wait .* set waitForCompletion\.timeoutSeconds/,
        );
        assert.strictEqual(plugin.registered.length, before);
        assert.strictEqual(emu.requests.filter((r) => r.method === "POST").length, posts);
        // customTimeouts with no value (the Go SDK, and so YAML, always sends it) is no refusal.
        const empty = plugin.registered.length;
        await plugin.construct("unbounded", job("unbounded", WAITS), (request) => request.setCustomtimeouts(new provproto.ConstructRequest.CustomTimeouts()));
        assert.deepStrictEqual(plugin.registered.slice(empty).map((r) => r.getName()), ["unbounded", "unbounded-completion"]);
        // A job that does not wait keeps its customTimeouts, as any resource does.
        const quick = plugin.registered.length;
        await plugin.construct("bounded-quick", job("bounded_quick"), (request) => request.setCustomtimeouts(timeouts));
        assert.strictEqual(plugin.registered[quick].getCustomtimeouts()?.getCreate(), "10m");
    });

    it("Construct of a type the plugin has not fails, naming it", async function () {
        await assert.rejects(plugin.construct("odd", job("odd"), undefined, "timbal:index:Odd"), /the timbal plugin has no component of type timbal:index:Odd/);
    });

    it("check keeps a secret input a secret (wrapped as it came), and the lifecycle sees it plain", async function () {
        const revision = registerSecret(`rev-${"9".repeat(20)}`);
        const news = Struct.fromJavaScript({ ...job("secretive"), triggers: markedSecret({ rev: revision }) });
        const checked = await plugin.call<any>("check", new provproto.CheckRequest().setUrn("urn:pulumi:test::plugin::timbal:index:ConnectorJob::s").setNews(news).setOlds(Struct.fromJavaScript({})));
        assert.deepStrictEqual(checked.getFailuresList(), []);
        const triggers = checked.getInputs().toJavaScript().triggers;
        assert.ok(isMarkedSecret(triggers), "still a secret");
        assert.deepStrictEqual(triggers.value, { rev: revision });
    });

    it("Cancel (the first Ctrl-C) ends a wait in flight at once, saying so; the job stays, dispatched once", async function () {
        // A plugin of its own: Cancel ends every wait of its process, from then on.
        const cancelling = await pluginInProcess(emu);
        try {
            const constructing = cancelling.construct("long", job("long", { source: { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "id" }, ...WAITS }));
            let settled = false;
            const outcome = constructing.then(() => "finished", (err: Error) => err.message).finally(() => (settled = true));
            const deadline = Date.now() + 10_000;
            while (!emu.world.jobs.some((j) => j.destTable === "long")) {
                if (settled || Date.now() > deadline) assert.fail(`the job was never dispatched: ${await outcome}`);
                await new Promise((resolve) => setTimeout(resolve, 10));
            }
            await new Promise((resolve) => setTimeout(resolve, 200)); // the wait has started polling
            const cancelledAt = Date.now();
            await cancelling.call("cancel", new (require("google-protobuf/google/protobuf/empty_pb").Empty)());
            assert.match(await outcome, /the deployment was cancelled while waiting for job job_\w+/);
            assert.ok(Date.now() - cancelledAt < 5000, "at once (the job itself runs for 12 s)");
            assert.strictEqual(emu.world.jobs.filter((j) => j.destTable === "long").length, 1, "the job stays, dispatched once");
        } finally {
            await cancelling.stop();
        }
    });

    /** A job created through check and create, as the engine creates one: its URN, id, inputs and outputs. */
    async function created(name: string, plugin: PluginInProcess): Promise<{ urn: string; id: string; inputs: unknown; outputs: unknown }> {
        const urn = `urn:pulumi:test::plugin::timbal:index:ConnectorJob::${name}`;
        const checked = await plugin.call<any>("check", new provproto.CheckRequest().setUrn(urn).setNews(Struct.fromJavaScript(job(name))).setOlds(Struct.fromJavaScript({})));
        const response = await plugin.call<any>("create", new provproto.CreateRequest().setUrn(urn).setProperties(checked.getInputs()));
        return { urn, id: response.getId(), inputs: checked.getInputs(), outputs: response.getProperties() };
    }

    it("read (a refresh) of two jobs of one connector reads its job list once, and brings each job's status", async function () {
        // A plugin of its own, sharing job lists as the plugin's process does.
        const sharing = await pluginInProcess(emu, { jobLists: {} });
        try {
            const jobs = [await created("refreshed_a", sharing), await created("refreshed_b", sharing)];
            const before = emu.requests.length;
            const read = (j: (typeof jobs)[number]) => sharing.call<any>("read", new provproto.ReadRequest().setId(j.id).setUrn(j.urn).setProperties(j.outputs).setInputs(j.inputs));
            const answers = await Promise.all(jobs.map(read));
            assert.deepStrictEqual(emu.requests.slice(before).map((r) => r.method), ["GET"], "one list request for the connector's two jobs");
            assert.deepStrictEqual(answers.map((answer) => answer.getId()), jobs.map((j) => j.id));
            for (const answer of answers) assert.ok(answer.getProperties().toJavaScript().state, "the job's status");
        } finally {
            await sharing.stop();
        }
    });

    it("delete (a destroy) forgets a job and sends nothing", async function () {
        const j = await created("forgotten", plugin);
        const before = emu.requests.length;
        await plugin.call("delete", new provproto.DeleteRequest().setId(j.id).setUrn(j.urn).setProperties(j.outputs).setOldInputs(j.inputs));
        assert.deepStrictEqual(emu.requests.slice(before), [], "nothing sent: a dispatched extraction is not undone");
    });

    it("diff hands the engine each changed field path as a detailed diff, replacements marked, never a status output", async function () {
        const urn = "urn:pulumi:test::plugin::timbal:index:ConnectorJob::d";
        const checked = await plugin.call<any>("check", new provproto.CheckRequest().setUrn(urn).setNews(Struct.fromJavaScript(job("d"))).setOlds(Struct.fromJavaScript({})));
        const olds = { ...checked.getInputs().toJavaScript(), state: "succeeded", rowsEmitted: 200 };
        const news = { ...checked.getInputs().toJavaScript(), destTable: "d2", pacing: { maxRowsPerSec: 500 } };
        const diff = await plugin.call<any>("diff", new provproto.DiffRequest().setId("job_x").setUrn(urn).setOlds(Struct.fromJavaScript(olds)).setNews(Struct.fromJavaScript(news)));
        const detailed: Record<string, number> = {};
        diff.getDetaileddiffMap().forEach((value: any, key: string) => (detailed[key] = value.getKind()));
        const { Kind } = provproto.PropertyDiff;
        assert.ok(diff.getHasdetaileddiff());
        assert.deepStrictEqual(detailed, { destTable: Kind.UPDATE_REPLACE, pacing: Kind.ADD_REPLACE }, "a field path each, no status output");
        assert.deepStrictEqual(diff.getReplacesList().sort(), ["destTable", "pacing"]);
    });
});
