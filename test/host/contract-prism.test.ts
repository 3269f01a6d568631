import * as assert from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ORG, ordersInputs } from "../../harness/fixtures";
import { ProviderHost, secret } from "../../harness/provider-host";
import { captureProviderText } from "../../harness/provider-text";
import { installedFile, requireTool } from "../../harness/require-tool";
import { recordArtifact, registerSecret } from "../../harness/secret-guard";

// The provider's requests against an independent validator: Prism (Stoplight's OpenAPI mock server, from npm) serves
// tools/conformance/openapi.yaml (assembled from the published spec) and, with --errors, refuses any request that
// does not match it. Every request kind goes through the real provider host. Then Prism makes up list responses
// from the schema (dynamic mode), and the provider must read every one of them.

const SPEC = path.resolve(__dirname, "..", "..", "tools", "conformance", "openapi.yaml");
const CACHED_PRISM = path.join(os.homedir(), ".cache", "timbal-prism", "node_modules", ".bin", "prism");
const KEY = registerSecret("tmbl_prism_contract_key_0123456789");

async function freePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

interface Prism {
    url: string;
    log(): string;
    stop(): Promise<void>;
}

async function startPrism(bin: string, dynamic: boolean): Promise<Prism> {
    const port = await freePort();
    const args = ["mock", SPEC, "--errors", "--host", "127.0.0.1", "--port", String(port), ...(dynamic ? ["--dynamic"] : [])];
    const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout!.on("data", (chunk) => (log += chunk));
    child.stderr!.on("data", (chunk) => (log += chunk));
    const deadline = Date.now() + 30_000;
    while (!/Prism is listening/.test(log)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`prism did not start:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
        url: `http://127.0.0.1:${port}`,
        log: () => log,
        stop: async () => {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill();
            await exited;
            recordArtifact("prism log", log);
        },
    };
}

/** The dispatches worth covering: both source kinds, every optional field, every pacing field. */
const DISPATCHES: Record<string, unknown>[] = [
    ordersInputs(),
    ordersInputs({
        connectorId: "edge-box",
        destTable: "general_ledger",
        source: { kind: "sql_server", connectionRef: "erp", schema: "fin", table: "GeneralLedger", cursorColumn: "EntryId", columns: ["EntryId", "Amount"] },
        mode: "replace",
        batchRows: 2000,
        cursor: { EntryId: 41, nested: { ok: true } },
        pacing: { readUncommitted: true, maxDop: 1, maxRowsPerSec: 1000, batchDelayMs: 250 },
        placement: "local",
    }),
    ordersInputs({ mode: "append", pacing: { maxRowsPerSec: 0 }, batchRows: 0, triggers: { backfill: 2 }, waitForCompletion: false }),
];

describe("contract: the provider's requests and Prism's responses (independent OpenAPI validator)", function () {
    this.timeout(180_000);
    let bin: string;

    before(function () {
        bin = requireTool(this, {
            found: installedFile("TIMBAL_PRISM", CACHED_PRISM),
            missing: "Prism is not installed (run tools/prism/ensure.sh)",
            requiredEnvVar: "TIMBAL_REQUIRE_PRISM",
        });
    });

    it("every request kind the provider sends passes Prism's validation (dispatch with each input combination, list)", async function () {
        const prism = await startPrism(bin, false);
        // Every read its own list request, so that each is validated.
        const host = await ProviderHost.start(await captureProviderText(ordersInputs() as any), { TIMBAL_JOB_LIST_WINDOW_MS: "0" });
        try {
            await host.configure({ "timbal:apiKey": secret(KEY), "timbal:orgId": ORG, "timbal:baseUrl": prism.url });
            for (const inputs of DISPATCHES) {
                const checked = await host.check(inputs);
                assert.deepStrictEqual(checked.failures, []);
                const created = await host.create(checked.inputs);
                assert.strictEqual(created.id, "string", "Prism's example answer");
                const read = await host.read(created.id, created.properties);
                assert.strictEqual(read.properties.state, "string", "the job as Prism's example lists it");
            }
            const validated = prism.log().match(/The request passed the validation rules/g) ?? [];
            assert.strictEqual(validated.length, DISPATCHES.length * 2, prism.log());
            assert.doesNotMatch(prism.log(), /\[VALIDATOR\] ✖|Request did not pass the validation rules/);
        } finally {
            await host.stop();
            await prism.stop();
        }
    });

    it("the provider reads every list response Prism makes up from the schema (dynamic mode), without a crash", async function () {
        const prism = await startPrism(bin, true);
        const host = await ProviderHost.start(await captureProviderText(ordersInputs() as any), { TIMBAL_JOB_LIST_WINDOW_MS: "0" });
        try {
            await host.configure({ "timbal:apiKey": secret(KEY), "timbal:orgId": ORG, "timbal:baseUrl": prism.url });
            const { inputs } = await host.check(ordersInputs());
            const created = await host.create(inputs);
            for (let i = 0; i < 25; i++) {
                const read = await host.read(created.id, created.properties);
                assert.strictEqual(read.id, created.id);
            }
            assert.strictEqual((prism.log().match(/Responding with "200"/g) ?? []).length, 25);
            assert.doesNotMatch(host.output, /skipping .* does not match the Timbal API spec/, "every generated job matches the spec");
        } finally {
            await host.stop();
            await prism.stop();
        }
    });
});
