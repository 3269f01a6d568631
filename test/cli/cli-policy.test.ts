import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { count, emulator } from "../../harness/fixtures";
import { typescriptProject } from "../../harness/language-projects";
import { pack, POLICY_ROOT } from "../../harness/npm-packages";
import { requirePulumiCli, type PulumiCli } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";

// The policy pack, as its own package (policy/, packed and installed in a user's project next to the provider
// package), through `pulumi preview --policy-pack <installed path>` on the real CLI: a production stack refuses a
// dangerous extraction before anything is dispatched, with a message naming the resource and the fix.

const POLICY_PACKAGE = "@timbal/pulumi-connector-jobs-policy";

const job = (name: string, extra: string, table = name, kind = "postgres", connector = "warehouse-pg") => `
new ConnectorJob("${name}", {
    connectorId: "${connector}", kbId: 101, destTable: "${table}",
    source: { kind: "${kind}", connectionRef: "db", table: "${name}", cursorColumn: "id" },
    ${extra}
});`;

const VIOLATING = `import { ConnectorJob } from "@timbal/pulumi-connector-jobs";
${job("rewrite", 'mode: "replace",')}
${job("ledger", 'mode: "append",', "ledger", "sql_server", "erp-sqlserver")}
${job("huge-batches", "batchRows: 100000,")}
${job("fast", "pacing: { maxRowsPerSec: 50000 },")}
${job("first", "", "shared_table")}
${job("second", "", "shared_table")}
`;

const COMPLIANT = `import { ConnectorJob } from "@timbal/pulumi-connector-jobs";
${job("rewrite", 'mode: "replace", allowReplaceInProduction: true,')}
${job("ledger", 'mode: "append", pacing: { maxDop: 1 },', "ledger", "sql_server", "erp-sqlserver")}
${job("huge-batches", "batchRows: 10000,")}
${job("fast", "pacing: { maxRowsPerSec: 5000 },")}
${job("first", "", "shared_table")}
${job("second", "", "other_table")}
`;

describe("the policy pack, through pulumi preview --policy-pack", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let program: string;
    let policy: string;
    const preview = (config: string) =>
        cli.run(["preview", "--policy-pack", policy, "--policy-pack-config", path.join(policy, config)]);

    before(async function () {
        const binDir = requirePulumiCli(this);
        emu = await emulator();
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-policy-"));
        const tarballs = { "@timbal/pulumi-connector-jobs": pack(REPO_ROOT, work), [POLICY_PACKAGE]: pack(POLICY_ROOT, work) };
        const project = typescriptProject("guarded", VIOLATING, { dir: path.join(work, "project"), packages: tarballs });
        policy = path.join(project, "node_modules", ...POLICY_PACKAGE.split("/"));
        program = path.join(project, "index.ts");
        cli = await emulatorStack(project, binDir, emu, { stack: "prod" });
    });

    after(async () => emu?.stop());

    it("a production stack refuses each dangerous extraction, naming the resource and the fix, dispatching nothing", async function () {
        fs.writeFileSync(program, VIOLATING);
        const { code, output } = await preview("config.prod.json");
        assert.notStrictEqual(code, 0);
        const expectations: [string, RegExp][] = [
            ["timbal-no-replace-mode-in-production", /rewrite: mode "replace" would rewrite KB table "rewrite" in production\. Use mode "append", or opt in on this resource with allowReplaceInProduction: true/],
            ["timbal-gentle-sql-server-in-production", /ledger: the SQL Server table "ledger" would be read at full speed in production\. Set pacing\.readUncommitted: true, pacing\.maxDop/],
            ["timbal-batch-and-rate-bounds", /huge-batches: batchRows 100000 is outside 500\.\.20000/],
            ["timbal-batch-and-rate-bounds", /fast: pacing\.maxRowsPerSec 50000 is above the allowed 5000/],
        ];
        // The engine did not always reach the stack policy (the shared destination) after these resource violations:
        // that one is asserted in the next test.
        for (const [policy, message] of expectations) {
            assert.ok(output.includes(`[mandatory]  ${policy}`), `${policy} not reported:\n${output}`);
            assert.match(output, message);
        }
        assert.strictEqual(count(emu, "POST"), 0);
    });

    it("outside production only the bounds and the unique destination apply", async function () {
        fs.writeFileSync(program, VIOLATING);
        const { output } = await preview("config.dev.json");
        assert.ok(!output.includes("timbal-no-replace-mode-in-production  ("), "replace mode is allowed in dev");
        assert.ok(!output.includes("timbal-gentle-sql-server-in-production  ("), "full-speed SQL Server reads are allowed in dev");
        assert.match(output, /huge-batches: batchRows 100000 is outside 100\.\.50000/);
        assert.ok(output.includes("[mandatory]  timbal-unique-destination"));
        assert.match(output, /first and second all write org "acme-dev", KB 101, table "shared_table"\. Give each its own destTable/);
    });

    it("a compliant program (with the explicit opt-in) passes, and deploys", async function () {
        fs.writeFileSync(program, COMPLIANT);
        const { code, output } = await preview("config.prod.json");
        assert.strictEqual(code, 0, output);
        await cli.ok(["up", "--yes", "--policy-pack", policy, "--policy-pack-config", path.join(policy, "config.prod.json")]);
        assert.strictEqual(count(emu, "POST"), 6);
    });
});
