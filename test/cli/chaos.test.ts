import * as assert from "assert";
import { allHeld, formatRow, HEADER, HOSTS, LANGUAGES, runChaos, type ChaosOptions, type Language } from "../../harness/chaos";
import { requirePulumiCli } from "../../harness/pulumi-cli";
import { recordArtifact } from "../../harness/secret-guard";

// The small chaos run: for each program, `pulumi up` interrupted at a random moment, then recovered as a user would.
// SIGKILL of the process group (a CI runner's timeout, or a runner lost) in every language, recovered on a fresh
// runner (a new PULUMI_HOME and HOME: no dispatch journal; the same backend); one Ctrl-C for YAML (the plugin ends its
// waits on it) and two Ctrl-C for TypeScript (the engine waits for a dynamic provider's wait), recovered on the same
// machine. Each kind of interruption is also proven at a chosen moment in each shell: test/cli/cli-interrupt.test.ts
// (TypeScript: one Ctrl-C, two, SIGKILL) and the parity suites (YAML, Python: the first Ctrl-C; SIGKILL mid-wait, then
// a fresh runner). And a run policy's re-dispatch killed (SIGKILL) just after it started, recovered on the same
// machine (its dispatch journal). `npm run chaos` runs more: every kind in every program, on both kinds of recovery.
const IN_CI: Record<Language, Pick<ChaosOptions, "interruptions" | "recoveries">> = {
    typescript: { interruptions: ["two Ctrl-C", "SIGKILL of the process group"], recoveries: ["same machine", "fresh runner"] },
    yaml: { interruptions: ["one Ctrl-C", "SIGKILL of the process group"], recoveries: ["same machine", "fresh runner"] },
    python: { interruptions: ["SIGKILL of the process group"], recoveries: ["fresh runner"] },
};
const RERUN_IN_CI: Language[] = ["typescript", "yaml"];

describe("chaos: interrupted pulumi up runs, recovered as a user would", function () {
    this.timeout(600_000);

    for (const language of LANGUAGES) {
        it(`${language}: leaves exactly one job per resource, each recorded, and no process behind`, async function () {
            requirePulumiCli(this, HOSTS[language]);
            const runs = IN_CI[language].interruptions!.length;
            const results = await runChaos({ runs, seed: 5, ...IN_CI[language], language });
            const table = [HEADER, ...results.map(formatRow)].join("\n");
            recordArtifact("chaos table", table);
            console.log(`${table.replace(/^/gm, "      ")}`);
            assert.ok(allHeld(results), table);
        });
    }

    for (const language of RERUN_IN_CI) {
        it(`${language}: a run policy's re-dispatch killed mid-way leaves exactly one new job per resource, recorded`, async function () {
            requirePulumiCli(this, HOSTS[language]);
            const interruptions = ["SIGKILL of the process group"] as const;
            const results = await runChaos({ runs: 1, seed: 5, interruptions, recoveries: ["same machine"], language, scenario: "rerun" });
            const table = [HEADER, ...results.map(formatRow)].join("\n");
            recordArtifact("chaos table (rerun)", table);
            console.log(`${table.replace(/^/gm, "      ")}`);
            assert.ok(allHeld(results), table);
        });
    }
});
