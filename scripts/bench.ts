import { startEmulator, type Emulator, type WorldSeed } from "../emulator";
import { createTimbalClient } from "../provider/api/client";
import { ProviderHost, secret } from "../harness/provider-host";
import { captureProviderText } from "../harness/provider-text";
import { ENGINE_PARALLELISM, inLanes } from "../harness/lanes";
import { dynamicType } from "../provider/fields/type-tokens";

// `npm run bench`: what a refresh and a wait cost on the API, through the real provider host, against the emulator
// with 20 ms added per request. Each scenario runs with request sharing (the provider as shipped) and without it
// (the naive baseline: one list request per resource, one poll loop per waiter), in the same run.
//   refresh: Read of every job, 8 at a time (the Pulumi engine's default --parallel);
//   wait:    every job waited on at once (waitForCompletion), until all have finished.

const SIZES = (process.env.BENCH_SIZES ?? "50,200,1000").split(",").map(Number);
const CONNECTORS = ["c1", "c2", "c3", "c4", "c5"];
const ORG = "bench";
const LATENCY_MS = 20;

const SEED: WorldSeed = {
    orgs: [{ id: ORG, connectors: CONNECTORS.map((id) => ({ id, capabilities: ["source:postgres"] })), kbs: [{ id: 1, uid: "kb_bench" }] }],
};

type Props = Record<string, unknown>;

interface Row {
    n: number;
    scenario: string;
    mode: string;
    requests: number;
    seconds: number;
    hostCpuSeconds: number;
    memoryMiB: number;
    note: string;
}

/** Dispatches n jobs straight to the emulator (setup, not measured) and returns the state each resource would hold. */
async function dispatchJobs(emu: Emulator, n: number): Promise<{ id: string; props: Props }[]> {
    const client = createTimbalClient({ baseUrl: emu.url, apiKey: emu.apiKey });
    const jobs: { id: string; props: Props }[] = [];
    await inLanes([...Array(n).keys()], 16, async (i) => {
        const connectorId = CONNECTORS[i % CONNECTORS.length];
        const table = `table_${i}`;
        const source = { kind: "postgres" as const, connection_ref: "db", table, cursor_column: "id" };
        const { job_id } = await client.dispatchJob({ org_id: ORG, connector_id: connectorId }, { kb_id: 1, dest_table: table, source });
        const props: Props = {
            connectorId, kbId: 1, destTable: table, orgId: ORG, baseUrl: emu.url, mode: "create", placement: "hosted", batchRows: 5000,
            source: { kind: "postgres", connectionRef: "db", table, cursorColumn: "id", schema: "public" },
            state: "queued", rowsEmitted: 0, kbUid: "kb_bench", createdAt: "", updatedAt: "",
        };
        jobs.push({ id: job_id, props });
    });
    return jobs;
}

async function startHost(emu: Emulator, providerText: string, share: boolean): Promise<ProviderHost> {
    const host = await ProviderHost.start(providerText, share ? {} : { TIMBAL_SHARE_JOB_LISTS: "0" });
    await host.configure({ "timbal:apiKey": secret(emu.apiKey), "timbal:orgId": ORG, "timbal:baseUrl": emu.url });
    return host;
}

const gets = (emu: Emulator) => emu.requests.filter((r) => r.method === "GET").length;

async function measure(emu: Emulator, host: ProviderHost, work: () => Promise<void>) {
    const before = gets(emu);
    const cpuBefore = host.cpuMs();
    const started = process.hrtime.bigint();
    await work();
    return {
        requests: gets(emu) - before,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        hostCpuSeconds: (host.cpuMs() - cpuBefore) / 1000,
        memoryMiB: host.peakMemoryMiB(),
    };
}

/** The shortest time between two list requests for the same connector, from the emulator's log. */
function minGapSeconds(emu: Emulator, since: number): number {
    let gap = Infinity;
    for (const connector of CONNECTORS) {
        const times = emu.requests.filter((r) => r.method === "GET" && r.connectorId === connector && r.at >= since).map((r) => r.at);
        for (let i = 1; i < times.length; i++) gap = Math.min(gap, times[i] - times[i - 1]);
    }
    return gap / 1000;
}

/** Five sequential list requests, one per connector: the yardstick of the refresh target. */
async function fiveSequentialLists(emu: Emulator): Promise<number> {
    const client = createTimbalClient({ baseUrl: emu.url, apiKey: emu.apiKey });
    const started = process.hrtime.bigint();
    for (const connector of CONNECTORS) await client.listJobs(ORG, connector);
    return Number(process.hrtime.bigint() - started) / 1e9;
}

async function benchSize(n: number, providerText: { job: string; completion: string }, rows: Row[]): Promise<void> {
    for (const share of [true, false]) {
        const mode = share ? "shared" : "naive";
        // A fresh world per run, so both modes see the same jobs in the same states.
        // Jobs queue for 5 s and run 1 to 10 s: most are still running when the wait starts.
        const emu = await startEmulator({ seed: SEED, latencyMs: LATENCY_MS, queueMs: 5000 });
        try {
            const jobs = await dispatchJobs(emu, n);
            const yardstick = await fiveSequentialLists(emu);

            let host = await startHost(emu, providerText.job, share);
            const refresh = await measure(emu, host, () => inLanes(jobs, ENGINE_PARALLELISM, (job) => host.read(job.id, job.props)));
            await host.stop();
            const ratio = refresh.seconds / yardstick;
            rows.push({
                n, scenario: "refresh", mode, ...refresh,
                note: `${ratio.toFixed(1)}x the ${(yardstick * 1000).toFixed(0)} ms of 5 sequential lists`
                    + (share ? `; requests <= ${CONNECTORS.length}: ${refresh.requests <= CONNECTORS.length ? "yes" : "NO"}` : ""),
            });

            host = await startHost(emu, providerText.completion, share);
            const waitForCompletion = { pollIntervalSeconds: 2, timeoutSeconds: 600 };
            const completion = (job: { id: string; props: Props }) => {
                const { orgId, connectorId, baseUrl, kbId, destTable } = job.props;
                return { jobId: job.id, orgId, connectorId, baseUrl, kbId, destTable, waitForCompletion };
            };
            const waitStarted = Date.now();
            const wait = await measure(emu, host, () =>
                Promise.all(jobs.map((job) => host.create(completion(job)))).then(() => undefined),
            );
            // One shared loop per connector means one request per connector per poll: its requests are never closer
            // together than the loop's first pause (1 s). Separate loops per waiter poll the same connector at once.
            const gap = minGapSeconds(emu, waitStarted);
            const longestWaiterPolls = Math.max(...jobs.map((job) => host.output.split(job.id).length - 1));
            await host.stop();
            rows.push({
                n, scenario: "wait", mode, ...wait,
                note: `${(wait.requests / CONNECTORS.length).toFixed(0)} requests per connector for ${longestWaiterPolls} polls of the longest waiter; `
                    + `polls of one connector >= ${gap.toFixed(2)} s apart`
                    + (share ? ` (one per connector per poll: ${gap >= 0.99 ? "yes" : "NO"})` : ""),
            });
        } finally {
            await emu.stop();
        }
    }
}

function printTable(rows: Row[]): void {
    const header = ["jobs", "scenario", "mode", "list requests", "wall time", "host CPU", "host peak memory", "notes"];
    const cells = rows.map((r) => [
        String(r.n), r.scenario, r.mode, String(r.requests), `${r.seconds.toFixed(2)} s`, `${r.hostCpuSeconds.toFixed(2)} s`,
        `${r.memoryMiB.toFixed(0)} MiB`, r.note,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
    console.log([line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n"));
}

async function main(): Promise<void> {
    const args = { connectorId: "c1", kbId: 1, destTable: "t", source: { kind: "postgres" as const, connectionRef: "db", table: "t", cursorColumn: "id" } };
    const providerText = {
        job: await captureProviderText(args),
        // Waiting is the ConnectorJobCompletion's: its own serialized provider.
        completion: await captureProviderText({ ...args, waitForCompletion: true }, dynamicType("completion")),
    };
    const rows: Row[] = [];
    for (const n of SIZES) {
        console.error(`bench: ${n} jobs over ${CONNECTORS.length} connectors...`);
        await benchSize(n, providerText, rows);
    }
    console.log(`\nConnector jobs against the emulator (+${LATENCY_MS} ms per request), through the real provider host; ${CONNECTORS.length} connectors\n`);
    printTable(rows);
}

main().catch((err) => {
    console.error(`bench: ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
});
