import * as assert from "assert";
import type { Emulator } from "../../emulator";
import { createConnectorJobProvider } from "../../provider/lifecycle/connector-job-lifecycle";
import { createSession } from "../../provider/lifecycle/session";
import { emptyHome, emulator, emulatorEnv, ORG, ordersInputs, type EngineView } from "../../harness/fixtures";
import { ProviderHost, secret } from "../../harness/provider-host";
import { captureProviderText } from "../../harness/provider-text";
import { ENGINE_PARALLELISM, inLanes } from "../../harness/lanes";

// A refresh reads every resource; the list endpoint only filters by connector. Through the real provider host, with
// reads arriving at the engine's default concurrency (8), a refresh of N jobs over C connectors makes C requests.

const CONNECTORS = [
    { connectorId: "warehouse-pg", kind: "postgres" },
    { connectorId: "erp-sqlserver", kind: "sql_server" },
    { connectorId: "edge-box", kind: "postgres" },
];

describe("one list request serves many resources", function () {
    let emu: Emulator;
    let host: ProviderHost | undefined;
    const created: { id: string; outs: Record<string, unknown> }[] = [];

    before(async function () {
        emu = await emulator({ latencyMs: 20 });
        const p: EngineView = createConnectorJobProvider({ session: createSession({ env: emulatorEnv(emu), homeDir: emptyHome() }) });
        for (let i = 0; i < 30; i++) {
            const { connectorId, kind } = CONNECTORS[i % CONNECTORS.length];
            const { inputs } = await p.check({}, ordersInputs({ connectorId, destTable: `t${i}`, source: { kind, connectionRef: "c", table: `t${i}`, cursorColumn: "id" } }));
            const job = await p.create(inputs);
            created.push({ id: job.id, outs: job.outs! });
        }
    });

    afterEach(async () => host?.stop());
    after(async () => emu.stop());

    async function refreshAll(env: NodeJS.ProcessEnv = {}): Promise<number> {
        host = await ProviderHost.start(await captureProviderText(ordersInputs() as any), env);
        await host.configure({ "timbal:apiKey": secret(emu.apiKey), "timbal:orgId": ORG, "timbal:baseUrl": emu.url });
        const before = emu.requests.filter((r) => r.method === "GET").length;
        emu.world.advance(3600_000);
        await inLanes(created, ENGINE_PARALLELISM, async (job) => {
            const read = await host!.read(job.id, job.outs);
            assert.strictEqual(read.properties.state, "succeeded");
        });
        return emu.requests.filter((r) => r.method === "GET").length - before;
    }

    it("a refresh of 30 jobs over 3 connectors makes 3 list requests", async function () {
        assert.strictEqual(await refreshAll(), CONNECTORS.length);
    });

    it("without sharing (the naive baseline) it makes one per job", async function () {
        assert.strictEqual(await refreshAll({ TIMBAL_SHARE_JOB_LISTS: "0" }), created.length);
    });
});
