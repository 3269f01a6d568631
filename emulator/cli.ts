#!/usr/bin/env node
import { startEmulator } from "./index";
import { parseEmulatorArgs, USAGE, UsageError } from "./cli-options";

// `timbal-emulator` (the package's bin; `npm run emulator` in this repository): a local Timbal connector-jobs API.

async function main(): Promise<void> {
    const request = parseEmulatorArgs(process.argv.slice(2));
    if (request.help) {
        process.stdout.write(USAGE);
        return;
    }
    const { options } = request;
    const emulator = await startEmulator(options);
    const orgs = emulator.world.seed.orgs.map((org) => org.id).join(", ");
    console.log(`Timbal emulator listening on ${emulator.url} (orgs: ${orgs}; speed x${options.speed})`);
    console.log(`  export TIMBAL_BASE_URL=${emulator.url}`);
    console.log(`  export TIMBAL_API_KEY=${emulator.apiKey}`);
    console.log("Press Ctrl+C to stop.");
    const stop = () => emulator.stop().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((err) => {
    if (err instanceof UsageError) {
        console.error(`timbal-emulator: ${err.message}`);
        process.exit(2);
    }
    console.error(`timbal-emulator: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
});
