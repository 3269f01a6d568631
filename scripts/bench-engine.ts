import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type Emulator, type WorldSeed } from "../emulator";
import { emulatorStack } from "../harness/cli-stack";
import { typescriptProject } from "../harness/language-projects";
import { pack, sdkVersion } from "../harness/npm-packages";
import { AS_A_USER, pulumiBinDir, type PulumiCli } from "../harness/pulumi-cli";
import { REPO_ROOT } from "../harness/repo-root";
import { extractedPlugin } from "../harness/release-artifacts";
import { dynamicType, pluginType } from "../provider/fields/type-tokens";

// `npm run bench:engine`: what N ConnectorJobs cost the Pulumi engine in each shell (the dynamic provider, and the
// timbal provider plugin), against the engine's own floor for dynamic resources (N no-op dynamic resources, whose
// create returns their inputs), in the same run, through the real CLI (file backend) and the emulator. The package is
// installed from `npm pack` into a project of its own, as a user installs it, and the plugin is the released one (the
// executable of `npm run release`'s tarball); one TypeScript program declares them all (the plugin's ConnectorJob by
// type token, a remote component, as every language's SDK registers it), so that the language host is the same for
// all. The plugin runs twice: jobs that do not wait (one resource each, as in the
// dynamic shell's row) and jobs that wait (each with its completion, the shape a wait costs in either shell), the
// latter against the floor of that shape (N no-op resources, each with a no-op child). Prints, per N: preview, up,
// refresh and destroy wall times, their ratio to the floor, the requests each step sent, the state bytes per job (its
// resources together) and the `__provider` bytes. Then, in `up`s of their own (watching the checkpoint costs
// CPU), the window a lost runner can still fall into: from the dispatch's arrival at the API to the job's id in the
// backend's checkpoint (BENCH_WINDOW_SIZES jobs, default 20 and 200; empty: none). BENCH_ENGINE_KINDS measures some
// kinds only (default all: noop,noopPair,connectorJob,plugin,pluginWaiting); the others' cells read "-".

const SIZES = (process.env.BENCH_ENGINE_SIZES ?? "200,1000").split(",").map(Number);
const WINDOW_SIZES = (process.env.BENCH_WINDOW_SIZES ?? "20,200").split(",").filter(Boolean).map(Number);
const CONNECTORS = ["c1", "c2", "c3", "c4", "c5"];
const ORG = "bench";
const STEPS = ["preview", "up", "refresh", "destroy"] as const;
type Step = (typeof STEPS)[number];
type Kind = "noop" | "noopPair" | "connectorJob" | "plugin" | "pluginWaiting";
const KINDS = (process.env.BENCH_ENGINE_KINDS ?? "noop,noopPair,connectorJob,plugin,pluginWaiting").split(",") as Kind[];
/** The resources a job is in state, by kind. */
const STATE_TYPES: Record<Kind, string[]> = {
    noop: ["pulumi-nodejs:dynamic/bench:Noop"],
    noopPair: ["pulumi-nodejs:dynamic/bench:Noop"],
    connectorJob: [dynamicType("connectorJob")],
    plugin: [pluginType("connectorJob")],
    pluginWaiting: [pluginType("connectorJob"), pluginType("completion")],
};

const SEED: WorldSeed = {
    orgs: [{ id: ORG, connectors: CONNECTORS.map((id) => ({ id, capabilities: ["source:postgres"] })), kbs: [{ id: 1, uid: "kb_bench" }] }],
};

// The same arguments for both kinds; the no-op's provider is serialized by value, as a user's own would be.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const kind = config.require("kind");
const noop: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
        return { id: inputs.destTable, outs: inputs };
    },
};
class Noop extends pulumi.dynamic.Resource {
    constructor(name: string, args: pulumi.Inputs, opts: pulumi.CustomResourceOptions = {}) {
        super(noop, name, args, opts, "bench", "Noop");
    }
}
class PluginConnectorJob extends pulumi.ComponentResource {
    constructor(name: string, args: pulumi.Inputs) {
        super("timbal:index:ConnectorJob", name, args, {}, true);
    }
}
for (let i = 0; i < count; i++) {
    const table = \`table_\${i}\`;
    const args = {
        connectorId: ${JSON.stringify(CONNECTORS)}[i % ${CONNECTORS.length}],
        kbId: 1,
        destTable: table,
        source: { kind: "postgres" as const, connectionRef: "db", table, cursorColumn: "id" },
    };
    if (kind === "noop") new Noop(\`job-\${i}\`, args);
    else if (kind === "noopPair") {
        // Its own copy: a dynamic resource adds its provider to the args it is given.
        const childArgs = { ...args, destTable: \`\${table}-completion\` };
        const job = new Noop(\`job-\${i}\`, args);
        new Noop(\`job-\${i}-completion\`, childArgs, { parent: job });
    }
    else if (kind === "plugin") new PluginConnectorJob(\`job-\${i}\`, args);
    else if (kind === "pluginWaiting") new PluginConnectorJob(\`job-\${i}\`, { ...args, waitForCompletion: { pollIntervalSeconds: 1 } });
    else new ConnectorJob(\`job-\${i}\`, args);
}
`;

interface Measured {
    seconds: Record<Step, number>;
    requests: Record<Step, string>;
    stateBytesPerJob: number;
    providerBytes: number;
}

/** A CLI on a new stack of `n` jobs of `kind`. */
function benchStack(project: string, binDir: string, emu: Emulator, stack: string, kind: Kind, n: number): Promise<PulumiCli> {
    const config = { "timbal:orgId": ORG, "bench:count": String(n), "bench:kind": kind };
    return emulatorStack(project, binDir, emu, { stack, config, cli: AS_A_USER }); // what a user waits for
}

async function measure(project: string, binDir: string, emu: Emulator, kind: Kind, n: number): Promise<Measured> {
    const stack = `${kind}-${n}`;
    const cli = await benchStack(project, binDir, emu, stack, kind, n);
    const seconds = {} as Record<Step, number>;
    const requests = {} as Record<Step, string>;
    let stateBytesPerJob = 0;
    let providerBytes = 0;
    for (const step of STEPS) {
        const args = step === "preview" ? ["preview"] : [step, "--yes"];
        const before = emu.requests.length;
        const started = process.hrtime.bigint();
        await cli.ok([...args, "--stack", stack], { timeoutMs: 1_800_000 });
        seconds[step] = Number(process.hrtime.bigint() - started) / 1e9;
        const sent = emu.requests.slice(before);
        requests[step] = `${sent.filter((r) => r.method === "POST").length} / ${sent.filter((r) => r.method === "GET").length}`;
        if (step === "up") {
            const exported = JSON.parse((await cli.ok(["stack", "export", "--stack", stack])).stdout);
            const resources = (exported.deployment.resources ?? []).filter((r: { type: string }) => STATE_TYPES[kind].includes(r.type));
            stateBytesPerJob = Buffer.byteLength(JSON.stringify(resources)) / n;
            providerBytes = Buffer.byteLength(resources[0].outputs.__provider ?? "");
        }
    }
    await cli.ok(["stack", "rm", "--yes", "--stack", stack]);
    return { seconds, requests, stateBytesPerJob, providerBytes };
}

/**
 * For each job an `up` of `n` jobs dispatches: milliseconds from the dispatch's arrival at the API (the emulator's
 * request log) to the first checkpoint of the file backend that holds the job's id (the file read whenever it changes).
 */
async function dispatchWindows(project: string, binDir: string, emu: Emulator, kind: Kind, n: number): Promise<number[]> {
    const stack = `window-${kind}-${n}`;
    const cli = await benchStack(project, binDir, emu, stack, kind, n);
    const checkpoint = path.join(cli.stateDir, ".pulumi", "stacks", "bench", `${stack}.json`);
    const recordedAt = new Map<string, number>();
    let lastChange = 0;
    const watching = setInterval(() => {
        const changed = fs.statSync(checkpoint, { throwIfNoEntry: false })?.mtimeMs ?? 0;
        if (changed === lastChange) return;
        lastChange = changed;
        const now = Date.now();
        for (const [id] of fs.readFileSync(checkpoint, "utf8").matchAll(/job_[0-9a-f]{16}/g)) if (!recordedAt.has(id)) recordedAt.set(id, now);
    }, 2);
    const firstRequest = emu.requests.length;
    const firstJob = emu.world.jobs.length;
    try {
        await cli.ok(["up", "--yes", "--skip-preview", "--stack", stack], { timeoutMs: 1_800_000 });
    } finally {
        clearInterval(watching);
    }
    // Each accepted dispatch created the next job of the world, in order.
    const accepted = emu.requests.slice(firstRequest).filter((r) => r.method === "POST" && r.status === 202);
    const jobs = emu.world.jobs.slice(firstJob);
    await cli.ok(["destroy", "--yes", "--skip-preview", "--stack", stack], { timeoutMs: 1_800_000 });
    await cli.ok(["stack", "rm", "--yes", "--stack", stack]);
    return jobs.map((job, i) => (recordedAt.get(job.id) ?? Number.NaN) - accepted[i].at);
}

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
    const binDir = pulumiBinDir();
    if (!binDir) throw new Error("no Pulumi CLI found (run tools/pulumi-cli/ensure.sh, or put pulumi on PATH)");
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-bench-engine-"));
    const packages = { "@timbal/pulumi-connector-jobs": pack(REPO_ROOT, work) };
    const project = typescriptProject("bench", PROGRAM, { dir: path.join(work, "project"), packages, pluginPath: await extractedPlugin() });
    const emu = await startEmulator({ seed: SEED, speed: 1000 });
    const cores = os.cpus().length;
    console.log(`\nEngine cost: N ConnectorJobs in each shell vs N no-op dynamic resources, real CLI, file backend, ${cores} cores,`);
    console.log(`Node ${process.versions.node}, @pulumi/pulumi ${sdkVersion()}; requests sent as POST / GET\n`);
    const rows: string[] = [];
    const sizes: string[] = [];
    const windowRows: string[] = [];
    try {
        for (const n of SIZES) {
            const measured: Partial<Record<Kind, Measured>> = {};
            for (const kind of KINDS) measured[kind] = await measure(project, binDir, emu, kind, n);
            const { noop: floor, noopPair: pairFloor, connectorJob: dynamic, plugin: pluginJobs, pluginWaiting: waiting } = measured;
            const seconds = (m: Measured | undefined, step: Step) => (m ? m.seconds[step].toFixed(1) : "-");
            const kb = (m: Measured | undefined) => (m ? `${(m.stateBytesPerJob / 1024).toFixed(2)} KB` : "-");
            const bytes = (m: Measured | undefined) => (m ? `${m.providerBytes} B` : "-");
            for (const step of STEPS) {
                const cell = (m: Measured | undefined, base: Measured | undefined) =>
                    `${seconds(m, step)} | ${m && base ? (m.seconds[step] / base.seconds[step]).toFixed(2) : "-"} | ${m ? m.requests[step] : "-"}`;
                const oneResource = [dynamic, pluginJobs].map((m) => cell(m, floor)).join(" | ");
                rows.push(`| ${n} | ${step} | ${seconds(floor, step)} | ${oneResource} | ${seconds(pairFloor, step)} | ${cell(waiting, pairFloor)} |`);
            }
            sizes.push(
                `| ${n} | ${kb(floor)} | ${bytes(floor)} | ${kb(pairFloor)} | ${kb(dynamic)} | ${bytes(dynamic)} | ${kb(pluginJobs)} | ${bytes(pluginJobs)} | ${kb(waiting)} |`,
            );
            console.error(`bench:engine: N=${n} done`);
        }
        for (const n of WINDOW_SIZES) {
            for (const kind of ["connectorJob", "plugin"] as const) {
                const windows = (await dispatchWindows(project, binDir, emu, kind, n)).sort((a, b) => a - b);
                const unseen = windows.filter(Number.isNaN).length;
                const seen = windows.filter((w) => !Number.isNaN(w));
                const shell = kind === "plugin" ? "plugin" : "dynamic";
                windowRows.push(`| ${shell} | ${n} | ${percentile(seen, 50)} | ${percentile(seen, 95)} | ${seen.at(-1)} | ${unseen} |`);
            }
        }
    } finally {
        await emu.stop();
    }
    console.log(
        "| N | step | no-op floor (s) | dynamic (s) | ratio | dynamic requests | plugin (s) | ratio | plugin requests " +
            "| no-op pairs floor (s) | plugin, waiting (s) | ratio to pairs | plugin, waiting requests |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log(
        "\n| N | no-op state per resource | no-op `__provider` | no-op pair state | dynamic state per job | dynamic `__provider` " +
            "| plugin state per job | plugin `__provider` | plugin, waiting: state per job (job and completion) |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const row of sizes) console.log(row);
    console.log("\nFrom a dispatch's arrival at the API to its job's id in the checkpoint (ms), per job of one `up`:\n");
    console.log("| shell | N | median | p95 | max | ids never seen in the checkpoint |");
    console.log("|---|---|---|---|---|---|");
    for (const row of windowRows) console.log(row);
}

main().catch((err) => {
    console.error(`bench:engine: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
});
