import * as assert from "assert";
import { allHeld, formatRow, HEADER, INTERRUPTIONS, LANGUAGES, runChaos, type Language } from "../../harness/chaos";
import { requirePulumiCli } from "../../harness/pulumi-cli";
import { recordArtifact } from "../../harness/secret-guard";

// The small chaos run: for each program, `pulumi up` interrupted twice at a random moment, then recovered as a user
// would: SIGKILL of the process group (a CI runner's timeout) for both; one Ctrl-C for YAML (the plugin ends its waits
// on it) and two Ctrl-C for TypeScript (the engine waits for a dynamic provider's wait). Each kind of interruption is
// also proven at a chosen moment in each shell: test/cli/cli-interrupt.test.ts (TypeScript: one Ctrl-C, two, SIGKILL)
// and the parity suites (YAML, Python: the first Ctrl-C). And a run policy's re-dispatch killed (SIGKILL) just after
// it started. `npm run chaos` runs more: every kind in both programs, 12 and 6 runs of each.
const INTERRUPTIONS_IN_CI: Record<Language, (typeof INTERRUPTIONS)[number][]> = {
    typescript: ["two Ctrl-C", "SIGKILL of the process group"],
    yaml: ["one Ctrl-C", "SIGKILL of the process group"],
};

describe("chaos: interrupted pulumi up runs, recovered as a user would", function () {
    this.timeout(600_000);

    for (const language of LANGUAGES) {
        it(`${language}: leaves exactly one job per resource, each recorded, and no process behind`, async function () {
            requirePulumiCli(this, language === "yaml" ? ["nodejs", "yaml"] : ["nodejs"]);
            const interruptions = INTERRUPTIONS_IN_CI[language];
            const results = await runChaos({ runs: interruptions.length, seed: 5, interruptions, language });
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
