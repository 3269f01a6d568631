import { main } from "./main";

// The self-contained plugin's entry (npm run release bundles it into `pulumi-resource-timbal`: release/build.ts): the CLI
// runs the executable with the engine's address, and reads the port it serves on from its first line.
main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
