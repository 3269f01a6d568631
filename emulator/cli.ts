import { parseArgs } from "util";
import { startEmulator, type FaultKind } from "./index";

// `npm run emulator`: a local Timbal connector-jobs API to point a stack at (timbal:baseUrl) without an account.

const { values } = parseArgs({
    options: {
        port: { type: "string", default: "8787" },
        speed: { type: "string", default: "1" },
        seed: { type: "string" },
        "api-key": { type: "string" },
        "fail-table": { type: "string", multiple: true },
        "failure-rate": { type: "string", default: "0" },
        "latency-ms": { type: "string", default: "0" },
        "fault-rate": { type: "string", default: "0" },
        "fault-kinds": { type: "string" },
    },
});

async function main(): Promise<void> {
    const emulator = await startEmulator({
        port: Number(values.port),
        speed: Number(values.speed),
        seed: values.seed,
        apiKey: values["api-key"] ?? process.env.TIMBAL_EMULATOR_API_KEY,
        failTables: values["fail-table"],
        failureRate: Number(values["failure-rate"]),
        latencyMs: Number(values["latency-ms"]),
        faults: {
            rate: Number(values["fault-rate"]),
            kinds: values["fault-kinds"] ? (values["fault-kinds"].split(",") as FaultKind[]) : undefined,
        },
    });
    const orgs = emulator.world.seed.orgs.map((org) => org.id).join(", ");
    console.log(`Timbal emulator listening on ${emulator.url} (orgs: ${orgs}; speed x${values.speed})`);
    console.log(`  export TIMBAL_BASE_URL=${emulator.url}`);
    console.log(`  export TIMBAL_API_KEY=${emulator.apiKey}`);
    console.log("Press Ctrl+C to stop.");
    const stop = () => emulator.stop().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((err) => {
    console.error(`emulator: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
});
