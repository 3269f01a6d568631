import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type Emulator, type WorldSeed } from "../emulator";
import { consumerProject, INSTALLED_PLUGIN_PATH, pack, sdkVersion } from "../harness/consumer-project";
import { AS_A_USER, pulumiBinDir, PulumiCli, REPO_ROOT, writeStackConfig } from "../harness/pulumi-cli";
import { dynamicType, pluginType } from "../provider/fields/type-tokens";

// `npm run bench:engine`: what N ConnectorJobs cost the Pulumi engine in each shell (the dynamic provider, and the
// timbal provider plugin), against the engine's own floor for dynamic resources (N no-op dynamic resources, whose
// create returns their inputs), in the same run, through the real CLI (file backend) and the emulator. The package is
// installed from `npm pack` into a project of its own, as a user installs it; one TypeScript program declares all
// three (the plugin's resources by type token, as any language's SDK registers them), so that the language host is
// the same for all. Prints, per N: preview, up, refresh and destroy wall times, their ratio to the floor, the
// requests each step sent, the state bytes per resource and the `__provider` bytes.

const SIZES = (process.env.BENCH_ENGINE_SIZES ?? "200,1000").split(",").map(Number);
const CONNECTORS = ["c1", "c2", "c3", "c4", "c5"];
const ORG = "bench";
const STEPS = ["preview", "up", "refresh", "destroy"] as const;
type Step = (typeof STEPS)[number];
type Kind = "noop" | "connectorJob" | "plugin";
const STATE_TYPES: Record<Kind, string> = { noop: "pulumi-nodejs:dynamic/bench:Noop", connectorJob: dynamicType("connectorJob"), plugin: pluginType("connectorJob") };

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
    constructor(name: string, args: pulumi.Inputs) {
        super(noop, name, args, {}, "bench", "Noop");
    }
}
class PluginConnectorJob extends pulumi.CustomResource {
    constructor(name: string, args: pulumi.Inputs) {
        super("timbal:index:ConnectorJob", name, args);
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
    else if (kind === "plugin") new PluginConnectorJob(\`job-\${i}\`, args);
    else new ConnectorJob(\`job-\${i}\`, args);
}
`;

interface Measured {
    seconds: Record<Step, number>;
    requests: Record<Step, string>;
    stateBytesPerResource: number;
    providerBytes: number;
}

async function measure(project: string, binDir: string, emu: Emulator, kind: Kind, n: number): Promise<Measured> {
    const cli = new PulumiCli(project, binDir, { TIMBAL_API_KEY: emu.apiKey }, AS_A_USER); // what a user waits for
    const stack = `${kind}-${n}`;
    await cli.ok(["stack", "init", stack]);
    writeStackConfig(path.join(project, `Pulumi.${stack}.yaml`), {
        "timbal:orgId": ORG,
        "timbal:baseUrl": emu.url,
        "bench:count": String(n),
        "bench:kind": kind,
    });
    const seconds = {} as Record<Step, number>;
    const requests = {} as Record<Step, string>;
    let stateBytesPerResource = 0;
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
            const resources = (exported.deployment.resources ?? []).filter((r: { type: string }) => r.type === STATE_TYPES[kind]);
            stateBytesPerResource = Buffer.byteLength(JSON.stringify(resources)) / resources.length;
            providerBytes = Buffer.byteLength(resources[0].outputs.__provider ?? "");
        }
    }
    await cli.ok(["stack", "rm", "--yes", "--stack", stack]);
    return { seconds, requests, stateBytesPerResource, providerBytes };
}

async function main(): Promise<void> {
    const binDir = pulumiBinDir();
    if (!binDir) throw new Error("no Pulumi CLI found (run tools/pulumi-cli/ensure.sh, or put pulumi on PATH)");
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-bench-engine-"));
    const project = consumerProject(path.join(work, "project"), "bench", { "@timbal/pulumi-connector-jobs": pack(REPO_ROOT, work) }, PROGRAM);
    fs.appendFileSync(path.join(project, "Pulumi.yaml"), `plugins:\n  providers:\n    - name: timbal\n      path: ${INSTALLED_PLUGIN_PATH}\n`);
    const emu = await startEmulator({ seed: SEED, speed: 1000 });
    const cores = os.cpus().length;
    console.log(`\nEngine cost: N ConnectorJobs in each shell vs N no-op dynamic resources, real CLI, file backend, ${cores} cores,`);
    console.log(`Node ${process.versions.node}, @pulumi/pulumi ${sdkVersion()}; requests sent as POST / GET\n`);
    const rows: string[] = [];
    const sizes: string[] = [];
    try {
        for (const n of SIZES) {
            const floor = await measure(project, binDir, emu, "noop", n);
            const dynamic = await measure(project, binDir, emu, "connectorJob", n);
            const plugin = await measure(project, binDir, emu, "plugin", n);
            for (const step of STEPS) {
                const cells = [dynamic, plugin].map((m) => `${m.seconds[step].toFixed(1)} | ${(m.seconds[step] / floor.seconds[step]).toFixed(2)} | ${m.requests[step]}`);
                rows.push(`| ${n} | ${step} | ${floor.seconds[step].toFixed(1)} | ${cells.join(" | ")} |`);
            }
            sizes.push(
                `| ${n} | ${(floor.stateBytesPerResource / 1024).toFixed(2)} KB | ${floor.providerBytes} B | ` +
                    `${(dynamic.stateBytesPerResource / 1024).toFixed(2)} KB | ${dynamic.providerBytes} B | ` +
                    `${(plugin.stateBytesPerResource / 1024).toFixed(2)} KB | ${plugin.providerBytes} B |`,
            );
            console.error(`bench:engine: N=${n} done`);
        }
    } finally {
        await emu.stop();
    }
    console.log("| N | step | no-op floor (s) | dynamic (s) | ratio | dynamic requests | plugin (s) | ratio | plugin requests |");
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
    console.log("\n| N | no-op state per resource | no-op `__provider` | dynamic state per resource | dynamic `__provider` | plugin state per resource | plugin `__provider` |");
    console.log("|---|---|---|---|---|---|---|");
    for (const row of sizes) console.log(row);
}

main().catch((err) => {
    console.error(`bench:engine: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
});
