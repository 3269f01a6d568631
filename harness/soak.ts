import { FAULT_KINDS, startEmulator } from "../emulator";
import { ENGINE_PARALLELISM, inLanes } from "./lanes";
import { ProviderHost, secret } from "./provider-host";
import { captureProviderText } from "./provider-text";

// `npm run soak`: many dispatches through the real provider host while the emulator faults a share of all requests,
// spread over every fault kind. What must hold: no extraction dispatched twice, no resource without its job, and every
// failure explained. `runSoak` is also what the smaller soak in `npm test` runs.

const ORG = "acme-dev";

export interface SoakReport {
    dispatches: number;
    faultRate: number;
    /** Requests the emulator received, and how many of them were faulted. */
    requests: number;
    faulted: number;
    /** Resources whose create succeeded. */
    created: number;
    /** Jobs that exist in the emulator. */
    jobs: number;
    /** Dest tables with more than one job: extractions dispatched twice. */
    duplicates: number;
    /** Created resources whose id is not a job in the emulator. */
    resourcesWithoutJob: number;
    /** Jobs that no resource recorded, and whose create did not say so. */
    jobsLostSilently: number;
    /** Creates that ended unconfirmed (answer lost, job list unreadable for minutes): the next up must find their job. */
    unconfirmed: number;
    failures: string[];
    seconds: number;
    /** The emulator's key, for callers that check it never leaked. */
    apiKey: string;
}

export async function runSoak(options: { dispatches: number; faultRate: number; seed?: number }): Promise<SoakReport> {
    const emu = await startEmulator({
        speed: 1,
        faults: { rate: options.faultRate, kinds: [...FAULT_KINDS], retryAfterSeconds: 1, slowMs: 100, seed: options.seed ?? 7 },
    });
    const host = await ProviderHost.start(
        await captureProviderText({
            connectorId: "warehouse-pg", kbId: 101, destTable: "t", source: { kind: "postgres", connectionRef: "db", table: "t", cursorColumn: "id" },
        }),
    );
    const started = Date.now();
    try {
        await host.configure({ "timbal:apiKey": secret(emu.apiKey), "timbal:orgId": ORG, "timbal:baseUrl": emu.url });
        const recorded = new Map<string, string>(); // dest table -> job id
        const failures: { table: string; message: string }[] = [];
        await inLanes([...Array(options.dispatches).keys()], ENGINE_PARALLELISM, async (i) => {
            const table = `soak_${i}`;
            const { inputs } = await host.check({
                connectorId: "warehouse-pg", kbId: 101, destTable: table, mode: "append",
                source: { kind: "postgres", connectionRef: "db", table, cursorColumn: "id" },
            });
            try {
                recorded.set(table, (await host.create(inputs)).id);
            } catch (err) {
                failures.push({ table, message: (err as { details?: string }).details ?? String(err) });
            }
        });
        const jobsByTable = new Map<string, string[]>();
        for (const job of emu.world.jobs) jobsByTable.set(job.destTable, [...(jobsByTable.get(job.destTable) ?? []), job.id]);
        const jobIds = new Set(emu.world.jobs.map((job) => job.id));
        const recordedIds = new Set(recorded.values());
        // A job no resource recorded is acceptable only when its create failed saying the job may exist.
        const explained = new Set(failures.filter((f) => /may or may not have been created|adopt it with adoptJobId/.test(f.message)).map((f) => f.table));
        return {
            dispatches: options.dispatches,
            faultRate: options.faultRate,
            requests: emu.requests.length,
            faulted: emu.requests.filter((r) => r.fault).length,
            created: recorded.size,
            jobs: emu.world.jobs.length,
            duplicates: [...jobsByTable.values()].filter((ids) => ids.length > 1).length,
            resourcesWithoutJob: [...recordedIds].filter((id) => !jobIds.has(id)).length,
            jobsLostSilently: emu.world.jobs.filter((job) => !recordedIds.has(job.id) && !explained.has(job.destTable)).length,
            unconfirmed: failures.filter((f) => /kept as unconfirmed/.test(f.message)).length,
            failures: failures.map((f) => `${f.table}: ${f.message}`),
            seconds: (Date.now() - started) / 1000,
            apiKey: emu.apiKey,
        };
    } finally {
        await host.stop();
        await emu.stop();
    }
}

export function formatReport(report: SoakReport): string {
    const rows: [string, string][] = [
        ["dispatches (resources)", String(report.dispatches)],
        ["requests / faulted", `${report.requests} / ${report.faulted} (${((100 * report.faulted) / report.requests).toFixed(1)}%)`],
        ["resources created", String(report.created)],
        ["jobs in the emulator", String(report.jobs)],
        ["duplicates (must be 0)", String(report.duplicates)],
        ["resources without a job (must be 0)", String(report.resourcesWithoutJob)],
        ["jobs lost silently (must be 0)", String(report.jobsLostSilently)],
        ["unconfirmed, left to the next up (must be 0)", String(report.unconfirmed)],
        ["failures", String(report.failures.length)],
        ["wall time", `${report.seconds.toFixed(1)} s`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    const table = rows.map(([k, v]) => `| ${k.padEnd(width)} | ${v} |`).join("\n");
    const failures = report.failures.map((f) => `  - ${f}`).join("\n");
    return `${table}${failures ? `\n\nFailures, each with its message:\n${failures}` : ""}`;
}
