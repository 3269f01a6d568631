import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack, emulatorStackConfig } from "../../harness/cli-stack";
import { count, emulator } from "../../harness/fixtures";
import { typescriptProject } from "../../harness/language-projects";
import { PulumiCli, requirePulumiCli, writeStackConfig } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";
import { registerSecret } from "../../harness/secret-guard";

// Pull-request review through the real CLI: `timbal-plan` over real `pulumi preview --json` output (every kind of
// step, other resource types, a secret, trimming), preview without an API key, and a `preview --diff` that shows
// input changes only.

const PLAN = path.join(REPO_ROOT, "dist", "plan", "cli.js");
const POLICY_PROD = path.join(REPO_ROOT, "policy", "config.prod.json");
const STACK = "prod";

// The program's shape comes from stack config, so each test changes one thing and previews it.
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const config = new pulumi.Config("review");
const variant = config.get("variant") ?? "base";
const extra = config.getNumber("extra") ?? 0;
const job = (name: string, table: string, args: Record<string, unknown> = {}) =>
    new ConnectorJob(name, {
        connectorId: "warehouse-pg", kbId: 101, destTable: name,
        source: { kind: "postgres", connectionRef: "db", table, cursorColumn: "id" },
        pacing: { maxRowsPerSec: 1000 },
        ...args,
    });

job("orders", variant === "changes" ? "orders_v2" : "orders");
job("customers", "customers", { mode: "replace", allowReplaceInProduction: true, pacing: { maxRowsPerSec: variant === "changes" ? 250 : 1000 } });
job("invoices", "invoices", { triggers: variant === "changes" ? { rerun: 2 } : { rerun: 1 } });
job("ledger", "ledger", { allowReplaceInProduction: variant === "changes" });
if (variant !== "changes") job("legacy", "legacy");
// A SQL Server table read at full speed: the production policy refuses it, and the plan says so.
if (variant === "changes") job("unpaced", "unpaced", { pacing: undefined, connectorId: "erp-sqlserver", source: { kind: "sql_server", connectionRef: "db", table: "unpaced", cursorColumn: "id" } });
job("secretive", "secretive", { triggers: pulumi.secret(variant === "changes" ? "rotation-two" : "rotation-one") });
for (let i = 0; i < extra; i++) job(\`bulk-\${i}\`, \`bulk_table_\${i}\`);

// Other resource types in the same stack: a component and another dynamic resource.
class Group extends pulumi.ComponentResource {
    constructor(name: string) {
        super("acme:index:Group", name);
    }
}
new Group(variant === "changes" ? "group-b" : "group-a");
const noop: pulumi.dynamic.ResourceProvider = { async create(inputs) { return { id: "thing", outs: inputs }; } };
class Thing extends pulumi.dynamic.Resource {
    constructor(name: string, props: Record<string, unknown>) {
        super(noop, name, props, {}, "acme", "Thing");
    }
}
new Thing("thing", { size: variant === "changes" ? 2 : 1 });
`;

interface PlanRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

function plan(previewJson: string, args: string[] = []): PlanRun {
    const result = spawnSync(process.execPath, [PLAN, ...args], { input: previewJson, encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("review in pull requests: timbal-plan, preview without a key, a quiet diff", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let project: string;
    const setConfig = (values: Record<string, string>) => writeStackConfig(path.join(project, `Pulumi.${STACK}.yaml`), emulatorStackConfig(emu, values));
    const previewJson = async (...flags: string[]) => (await cli.ok(["preview", "--json", ...flags])).stdout;

    before(async function () {
        const binDir = requirePulumiCli(this);
        emu = await emulator({ speed: 1000 });
        project = typescriptProject("review", PROGRAM);
        cli = await emulatorStack(project, binDir, emu, { stack: STACK });
    });

    after(async () => emu?.stop());

    it("preview fails early, saying how to set the key, when no API key can be resolved; nothing is sent", async function () {
        const result = await cli.run(["preview"], { env: { TIMBAL_API_KEY: undefined } });
        assert.notStrictEqual(result.code, 0, `preview passed without a key:\n${result.output}`);
        assert.match(result.output, /no Timbal API key is configured\. Set it with `pulumi config set --secret timbal:apiKey <key>`/);
        assert.strictEqual(emu.requests.length, 0);
    });

    it("plans a new stack: every job a dispatch, the headline first, other resource types listed apart", async function () {
        const { status, stdout, stderr } = plan(await previewJson());
        assert.strictEqual(status, 0, stderr);
        const lines = stdout.split("\n");
        assert.strictEqual(lines[0], "### Timbal dispatch plan: 6 extractions to dispatch (6 new, 0 re-dispatched), 1 full `replace` load, 0 forgotten");
        assert.strictEqual(lines[2], "- **prod**: 6 extractions to dispatch (6 new, 0 re-dispatched), 1 full `replace` load, 0 forgotten");
        assert.match(stdout, /\| `orders` \| dispatch \| new \| postgres public\.orders → KB 101 \/ orders \| create \|/);
        assert.match(stdout, /Other resources that change \(not extractions\): `acme:index:Group` `group-a` \(create\), `pulumi-nodejs:dynamic\/acme:Thing` `thing` \(create\)/);
        assert.ok(!stdout.includes("rotation-one"), "a secret value reached the plan");
        assert.strictEqual(count(emu, "POST"), 0);
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 6);
    });

    it("plans a change: each kind of reason as field paths, in-place updates, a forget, the risks and the policy's refusals called out", async function () {
        setConfig({ "review:variant": "changes" });
        // As the workflow runs it: with the unchanged resources listed, so that the plan checks every job's policies.
        const json = await previewJson("--show-sames");
        const { status, stdout, stderr } = plan(json, ["--policy-config", `${STACK}=${POLICY_PROD}`]);
        assert.strictEqual(status, 0, stderr);
        const lines = stdout.split("\n");
        assert.strictEqual(
            lines[0],
            "### Timbal dispatch plan: 5 extractions to dispatch (1 new, 4 re-dispatched), 1 full `replace` load, 1 forgotten, 1 changed in place",
        );
        assert.strictEqual(lines[2], "- **prod** (production): 5 extractions to dispatch (1 new, 4 re-dispatched), 1 full `replace` load, 1 forgotten, 1 changed in place");
        const rowOf = (name: string) => lines.find((line) => line.startsWith(`| \`${name}\` |`)) ?? "";
        assert.match(rowOf("orders"), /\| re-dispatch \| `source\.table`: "orders" → "orders_v2" \|/);
        assert.match(rowOf("customers"), /\| \*\*re-dispatch\*\* ⚠️ \| `pacing\.maxRowsPerSec`: 1000 → 250 \| .* \| replace \|$/);
        assert.match(rowOf("invoices"), /\| re-dispatch \| `triggers\.rerun`: 1 → 2 \|/);
        assert.match(rowOf("secretive"), /\| re-dispatch \| `triggers`: \[secret\] → \[secret\] \(changed\) \|/);
        assert.match(rowOf("ledger"), /\| in-place \| `allowReplaceInProduction`: false → true \|/);
        assert.match(rowOf("legacy"), /\| forget \| removed from the stack \(the job is not cancelled\) \|/);
        assert.match(rowOf("unpaced"), /\| \*\*dispatch\*\* ⛔ \| new \| sql_server dbo\.unpaced → KB 101 \/ unpaced \|/);
        assert.ok(stdout.includes('- ⚠️ prod `customers`: re-dispatches a full `replace` load: KB 101 table "customers" is rewritten from scratch'));
        assert.ok(
            stdout.includes(
                '- ⛔ prod `unpaced`: timbal-gentle-sql-server-in-production: the SQL Server table "unpaced" would be read at full speed in production. ' +
                    "Set pacing.readUncommitted: true, pacing.maxDop (1 pins it single-threaded), or pacing.maxRowsPerSec.",
            ),
            stdout,
        );
        assert.match(stdout, /`acme:index:Group` `group-a` \(delete\), `acme:index:Group` `group-b` \(create\), `pulumi-nodejs:dynamic\/acme:Thing` `thing` \(update\)/);
        for (const secret of ["rotation-one", "rotation-two"]) {
            assert.ok(json.includes("[secret]") && !json.includes(secret), "the CLI shows secrets in preview --json");
            assert.ok(!stdout.includes(secret), "a secret value reached the plan");
        }
        // The README's sample is this plan, verbatim (TIMBAL_WRITE_PLAN_SAMPLE=1 rewrites it).
        const readmeFile = path.join(REPO_ROOT, "README.md");
        if (process.env.TIMBAL_WRITE_PLAN_SAMPLE === "1") {
            const text = fs.readFileSync(readmeFile, "utf8");
            const start = text.indexOf("<!-- timbal-plan sample: start -->\n");
            const end = text.indexOf("<!-- timbal-plan sample: end -->");
            fs.writeFileSync(readmeFile, `${text.slice(0, start)}<!-- timbal-plan sample: start -->\n\`\`\`markdown\n${stdout}\`\`\`\n${text.slice(end)}`);
        }
        const readme = fs.readFileSync(readmeFile, "utf8");
        const sample = /<!-- timbal-plan sample: start -->\n```markdown\n([\s\S]*?)```\n<!-- timbal-plan sample: end -->/.exec(readme);
        assert.strictEqual(sample?.[1], stdout, `the README's timbal-plan sample is stale; the tool now writes:\n${stdout}`);

        // Without the policy config, the stack is not known to be production: the policy's defaults refuse nothing.
        const plain = plan(json);
        assert.ok(!plain.stdout.includes("⛔"), plain.stdout);
        assert.ok(!plain.stdout.includes("(production)"));

        const machine = JSON.parse(plan(json, ["--format", "json"]).stdout);
        assert.deepStrictEqual(machine.totals, { dispatches: 5, newDispatches: 1, reDispatches: 4, replaceLoads: 1, forgotten: 1, inPlace: 1 });
        assert.strictEqual(count(emu, "POST"), 6, "preview dispatched nothing");
    });

    it("preview --diff shows the input changes only: status outputs are hidden, never shown as removed", async function () {
        const { output } = await cli.ok(["preview", "--diff"]);
        const block = output.slice(output.indexOf("ConnectorJob::customers]"), output.indexOf("ConnectorJob::", output.indexOf("ConnectorJob::customers]") + 30));
        assert.match(block, /~ pacing +: \{\n +~ maxRowsPerSec: 1000 => 250/);
        for (const field of ["state", "rowsEmitted", "createdAt", "updatedAt", "kbUid"]) {
            assert.doesNotMatch(output, new RegExp(`^ *- ${field} *:`, "m"), `${field} shown as removed:\n${block}`);
        }
        // What the engine still prints for each status output that would change: its name, marked hidden.
        assert.match(block, /~ state \(hidden\)/);
    });

    it("a plan longer than the comment limit is trimmed, and says what was left out", async function () {
        setConfig({ "review:variant": "base", "review:extra": "80" });
        const json = await previewJson();
        const full = plan(json);
        assert.ok(full.stdout.length > 6000, `the full plan is only ${full.stdout.length} characters`);
        // The base jobs are unchanged here: without --show-sames the plan says it could not check them; with it, it did.
        const notChecked = "_The jobs this change leaves as they are were not checked against the policy pack, nor their run policies: run `pulumi preview --json --show-sames` to include them._";
        assert.ok(full.stdout.includes(notChecked), full.stdout.slice(0, 2000));
        assert.ok(!plan(await previewJson("--show-sames")).stdout.includes(notChecked));
        const trimmed = plan(json, ["--max-chars", "6000"]);
        assert.strictEqual(trimmed.status, 0, trimmed.stderr);
        assert.ok(trimmed.stdout.length <= 6000, `${trimmed.stdout.length} characters`);
        assert.ok(trimmed.stdout.startsWith("### Timbal dispatch plan: 80 extractions to dispatch"), trimmed.stdout.slice(0, 200));
        assert.match(trimmed.stdout, /_… \d+ lines left out to stay under 6,000 characters: run `pulumi preview --diff`, or `timbal-plan --format json`, for the full plan\._/);
        assert.ok(full.stdout.length <= 65_536);
    });

    it("refuses input that is not a preview's JSON, and bad flags, with one line", function () {
        const notJson = plan("Previewing update (prod):");
        assert.strictEqual(notJson.status, 2);
        assert.match(notJson.stderr, /^timbal-plan: stdin is not JSON .*pass the output of `pulumi preview --json`\n$/);
        assert.match(plan("{}", ["--format", "html"]).stderr, /--format must be markdown or json, got "html"/);
        assert.match(plan("{}", ["--policy-config", "prod"]).stderr, /--policy-config must be <stack>=<file>/);
        // A setting the policy pack would refuse is refused here too, by name.
        const badConfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "timbal-plan-config-")), "config.json");
        fs.writeFileSync(badConfig, JSON.stringify({ "timbal-batch-and-rate-bounds": { maxBatchRows: "lots" } }));
        const refused = plan("{}", ["--policy-config", `prod=${badConfig}`]);
        assert.strictEqual(refused.status, 2);
        assert.match(refused.stderr, /--policy-config prod=.*: "timbal-batch-and-rate-bounds"\.maxBatchRows must be an integer; got "lots"/);
    });
});

registerSecret("rotation-one");
registerSecret("rotation-two");
