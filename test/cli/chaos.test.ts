import * as assert from "assert";
import { allHeld, formatRow, HEADER, INTERRUPTIONS, LANGUAGES, runChaos } from "../../harness/chaos";
import { requirePulumiCli } from "../../harness/pulumi-cli";
import { recordArtifact } from "../../harness/secret-guard";

// The small chaos run: `pulumi up` interrupted once each way (one Ctrl-C, two Ctrl-C, SIGKILL of the process group)
// at a random moment, then recovered as a user would; and a run policy's re-dispatch killed (SIGKILL) just after it
// started. `npm run chaos` runs more.

describe("chaos: interrupted pulumi up runs, recovered as a user would", function () {
    this.timeout(600_000);

    for (const language of LANGUAGES) {
        it(`${language}: leaves exactly one job per resource, each recorded, and no process behind`, async function () {
            requirePulumiCli(this, language === "yaml" ? ["nodejs", "yaml"] : ["nodejs"]);
            const results = await runChaos({ runs: 3, seed: 5, interruptions: INTERRUPTIONS, language });
            const table = [HEADER, ...results.map(formatRow)].join("\n");
            recordArtifact("chaos table", table);
            console.log(`${table.replace(/^/gm, "      ")}`);
            assert.ok(allHeld(results), table);
        });

        it(`${language}: a run policy's re-dispatch killed mid-way leaves exactly one new job per resource, recorded`, async function () {
            requirePulumiCli(this, language === "yaml" ? ["nodejs", "yaml"] : ["nodejs"]);
            const results = await runChaos({ runs: 1, seed: 5, interruptions: ["SIGKILL of the process group"], language, scenario: "rerun" });
            const table = [HEADER, ...results.map(formatRow)].join("\n");
            recordArtifact("chaos table (rerun)", table);
            console.log(`${table.replace(/^/gm, "      ")}`);
            assert.ok(allHeld(results), table);
        });
    }
});
