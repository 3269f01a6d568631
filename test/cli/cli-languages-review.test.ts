import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { npm, pack, POLICY_ROOT, sdkVersion } from "../../harness/npm-packages";
import { emulator } from "../../harness/fixtures";
import { goProject, pythonProject, typescriptProject, writeGoProgram, writePythonProgram, writeYamlProgram, yamlProject } from "../../harness/language-projects";
import { PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";
import { programIn, type JobDeclaration, type Language } from "../../harness/program-text";
import { pluginTarball, releasePage, type ReleasePage } from "../../harness/release-artifacts";
import { planStack } from "../../plan/plan";
import { JOB_STATUS_FIELDS } from "../../provider/fields/status-fields";
import { dynamicType, pluginType } from "../../provider/fields/type-tokens";
import { readPreview } from "../../plan/preview";

// Review and guardrails see a YAML, a Python or a Go stack (the provider plugin's timbal:index:ConnectorJob, installed
// from the release page) exactly as they see the equivalent TypeScript stack (the dynamic provider's ConnectorJob):
// the same `timbal-plan` from `pulumi preview --json`, and the same refusals from the policy pack, through the real CLI.

const POLICY_PACKAGE = "@timbal/pulumi-connector-jobs-policy";

type Job = JobDeclaration;

const source = (table: string, kind = "postgres") => ({ kind, connectionRef: "db", table, cursorColumn: "id" });

/** The extractions, before and after the change under review. */
const BEFORE: Job[] = [
    { name: "orders", args: { connectorId: "warehouse-pg", kbId: 101, destTable: "orders", source: source("orders"), mode: "append" } },
    { name: "ledger", args: { connectorId: "erp-sqlserver", kbId: 102, destTable: "ledger", source: source("GeneralLedger", "sql_server"), pacing: { maxDop: 1 } } },
    { name: "customers", args: { connectorId: "warehouse-pg", kbId: 101, destTable: "customers", source: source("customers"), mode: "replace", allowReplaceInProduction: true } },
];
const AFTER: Job[] = [
    { name: "orders", args: { ...BEFORE[0].args, source: source("orders_v2"), triggers: { rerun: 2 } } },
    { name: "ledger", args: { ...BEFORE[1].args, pacing: undefined } },
    { name: "customers", args: { ...BEFORE[2].args, allowReplaceInProduction: undefined, batchRows: 100000 } },
    { name: "unpaced", args: { connectorId: "warehouse-pg", kbId: 101, destTable: "unpaced", source: source("unpaced") } },
];

/** The stack of `jobs`, in `language`. */
const programOf = (language: Language, jobs: Job[]) => programIn(language, { jobs });

/** What a policy refused: `<policy> <resource>: <message>`, the same whichever type token the resource has. */
function refusals(output: string): string[] {
    const found = [...output.matchAll(/\[mandatory\] {2}(\S+) {2}\([^)]*: (\S+)\)\n\s*(.+)/g)].map((m) => `${m[1]} ${m[2]}: ${m[3].trim()}`);
    return [...new Set(found)].sort();
}

/**
 * What `pulumi preview --diff` shows changing on each ConnectorJob's row (the dynamic shell's, or the plugin's custom
 * resource): `<mark> <path>` for each property line with a change mark (`+`, `-`, `~`, `+-`), its path from the
 * indentation, and `<mark> <name> (hidden)` for a property shown without its value. A new job's row is `+ (new)`.
 */
function changesShown(output: string): Record<string, string[]> {
    const rows: Record<string, string[]> = {};
    let changes: string[] | undefined;
    let path: Array<{ indent: number; name: string }> = [];
    let op: string | undefined;
    for (const line of output.split("\n")) {
        const urn = /^\s*\[urn=(\S+)\]$/.exec(line);
        if (urn) {
            const [, , types, name] = urn[1].split("::");
            const isJob = types === dynamicType("connectorJob") || types.split("$").pop() === pluginType("connectorJob");
            // A new job's row lists its inputs unmarked.
            if (isJob) rows[name] = op === "create" ? ["+ (new)"] : [];
            changes = isJob && op !== "create" ? rows[name] : undefined;
            path = [];
            continue;
        }
        const header = /^\s*[-+~]*\s*[\w-]+:[\w/-]+:\w+: \(([\w-]+)\)$/.exec(line);
        if (header || /^Resources:/.test(line)) [changes, op] = [undefined, header?.[1]];
        const hidden = /^\s*([-+~]{1,2})\s*(\w+) \(hidden\)$/.exec(line);
        if (changes && hidden) changes.push(`${hidden[1]} ${hidden[2]} (hidden)`);
        const property = /^(\s*)([-+~]{1,2})?\s*"?([\w]+)"?\s*:/.exec(line);
        if (!changes || !property) continue;
        const indent = property[1].length;
        path = path.filter((segment) => segment.indent < indent);
        path.push({ indent, name: property[3] });
        if (property[2]) changes.push(`${property[2]} ${path.map((segment) => segment.name).join(".")}`);
    }
    return rows;
}

const LANGUAGES: Language[] = ["typescript", "yaml", "python", "go"];

/** The production policy config the pack ships, as timbal-plan reads it with --policy-config. */
const PROD_POLICY_CONFIG = JSON.parse(fs.readFileSync(path.join(POLICY_ROOT, "config.prod.json"), "utf8"));

describe("review and guardrails: YAML, Python and Go stacks and the equivalent TypeScript stack (real CLI)", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let release: ReleasePage;
    const stacks: Record<Language, { cli: PulumiCli; project: string; policy: string }> = {} as never;

    before(async function () {
        const binDir = requirePulumiCli(this, ["nodejs", "yaml", "python", "go"]);
        emu = await emulator();
        release = await releasePage([await pluginTarball()]);
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-languages-review-"));
        const tarballs = { "@timbal/pulumi-connector-jobs": pack(REPO_ROOT, work), [POLICY_PACKAGE]: pack(POLICY_ROOT, work) };
        const projects: Record<Language, string> = {
            typescript: typescriptProject("extractions", programOf("typescript", BEFORE), { dir: path.join(work, "typescript"), packages: tarballs }),
            yaml: yamlProject(path.join(work, "yaml"), "extractions", programOf("yaml", BEFORE)),
            python: pythonProject(path.join(work, "python"), "extractions", programOf("python", BEFORE)),
            go: goProject(path.join(work, "go"), "extractions", programOf("go", BEFORE)),
        };
        for (const language of LANGUAGES) {
            const project = projects[language];
            // The policy pack is an npm package in every language (Pulumi runs policy packs on Node.js), with its peers.
            if (language !== "typescript") {
                const packages = [`@pulumi/pulumi@${sdkVersion()}`, `file:${tarballs["@timbal/pulumi-connector-jobs"]}`, `file:${tarballs[POLICY_PACKAGE]}`];
                npm(["install", "--prefer-offline", "--no-audit", "--no-fund", ...packages], project);
            }
            const cli = await emulatorStack(project, binDir, emu, { stack: "prod", env: release.env });
            if (language !== "typescript") await cli.ok(["install"]);
            await cli.ok(["up", "--yes"]);
            stacks[language] = { cli, project, policy: path.join(project, "node_modules", ...POLICY_PACKAGE.split("/")) };
        }
        fs.writeFileSync(path.join(projects.typescript, "index.ts"), programOf("typescript", AFTER));
        writeYamlProgram(projects.yaml, "extractions", programOf("yaml", AFTER));
        writePythonProgram(projects.python, programOf("python", AFTER));
        writeGoProgram(projects.go, programOf("go", AFTER));
    });

    after(async () => {
        await emu?.stop();
        await release?.stop();
    });

    // Each stack's previews of the change, run once whichever test asks first (the previews change nothing).
    const previews = new Map<string, Promise<{ code: number | null; output: string; stdout: string }>>();
    const once = (key: string, run: () => Promise<{ code: number | null; output: string; stdout: string }>) => {
        if (!previews.has(key)) previews.set(key, run());
        return previews.get(key)!;
    };
    /** `pulumi preview --json --show-sames`, as the workflow runs it for timbal-plan. */
    const previewJson = (language: Language) => once(`${language} json`, () => stacks[language].cli.ok(["preview", "--json", "--show-sames"]));
    /** `pulumi preview` with the installed policy pack and its production config. */
    const policyPreview = (language: Language) => {
        const { cli, policy } = stacks[language];
        return once(`${language} policy`, () => cli.run(["preview", "--policy-pack", policy, "--policy-pack-config", path.join(policy, "config.prod.json")]));
    };

    it("timbal-plan gives the same plan for the four stacks' pulumi preview --json", async function () {
        const plans = [];
        for (const language of LANGUAGES) {
            plans.push(planStack("prod", readPreview((await previewJson(language)).stdout, language), PROD_POLICY_CONFIG));
        }
        const [fromTypescript, fromYaml, fromPython, fromGo] = plans.map((plan) => ({ ...plan, items: plan.items.map(({ urn: _urn, ...item }) => item) }));
        assert.strictEqual(fromTypescript.items.length, 4, JSON.stringify(fromTypescript.items));
        assert.deepStrictEqual(fromYaml, fromTypescript);
        assert.deepStrictEqual(fromPython, fromTypescript);
        assert.deepStrictEqual(fromGo, fromTypescript);
        const orders = fromPython.items.find((item) => item.resource === "orders");
        assert.deepStrictEqual(orders?.reasons.map((r) => r.path).sort(), ["source.table", "triggers"]);
    });

    it("pulumi preview --diff shows the same changed fields in the four stacks, and no status output as a change", async function () {
        const shown: Record<string, Record<string, string[]>> = {};
        for (const language of LANGUAGES) shown[language] = changesShown((await once(`${language} diff`, () => stacks[language].cli.ok(["preview", "--diff"]))).stdout);
        const isStatus = (change: string) => (JOB_STATUS_FIELDS as ReadonlyArray<string>).includes(change.split(" ")[1].split(".")[0]);
        const fieldsOf = (rows: Record<string, string[]>) => Object.fromEntries(Object.entries(rows).map(([name, changes]) => [name, changes.filter((change) => !isStatus(change))]));
        // orders: source.table and triggers (a new job); ledger: pacing removed (a new job); customers: the opt-in
        // removed (in place) and batchRows (a new job); unpaced: new.
        assert.deepStrictEqual(fieldsOf(shown.typescript), {
            orders: ["~ source", "~ source.table", "+ triggers", "+ triggers.rerun"],
            customers: ["- allowReplaceInProduction", "~ batchRows"],
            ledger: ["- pacing", "- pacing.maxDop"],
            unpaced: ["+ (new)"],
        });
        for (const language of ["yaml", "python", "go"]) {
            assert.deepStrictEqual(fieldsOf(shown[language]), fieldsOf(shown.typescript), language);
            // The plugin's detailed diff names the fields that change: no status output at all.
            assert.deepStrictEqual(Object.values(shown[language]).flat().filter(isStatus), [], language);
        }
        // The dynamic provider host passes no detailed diff: the dynamic shell hides the status outputs' values
        // (hideDiffs), and the CLI still lists their names, valueless.
        assert.ok(Object.values(shown.typescript).flat().filter(isStatus).every((change) => change.endsWith(" (hidden)")));
    });

    it("the policy pack refuses the same extractions in the four stacks, dispatching nothing", async function () {
        const posts = emu.requests.filter((r) => r.method === "POST").length;
        const found: string[][] = [];
        for (const language of LANGUAGES) {
            const { code, output } = await policyPreview(language);
            assert.notStrictEqual(code, 0, output);
            found.push(refusals(output));
        }
        assert.ok(found[0].length >= 3, found[0].join("\n"));
        assert.deepStrictEqual(found[1], found[0]);
        assert.deepStrictEqual(found[2], found[0]);
        assert.deepStrictEqual(found[3], found[0]);
        assert.strictEqual(emu.requests.filter((r) => r.method === "POST").length, posts);
    });

    it("timbal-plan flags exactly what the policy pack refuses, with the same config: no more, no less", async function () {
        const { code, output } = await policyPreview("typescript");
        assert.notStrictEqual(code, 0, output);
        const refused = refusals(output).map((refusal) => refusal.split(":")[0]);
        const plan = planStack("prod", readPreview((await previewJson("typescript")).stdout, "typescript"), PROD_POLICY_CONFIG);
        const flagged = plan.items.flatMap((item) => item.refusals.map((refusal) => `${refusal.split(":")[0]} ${item.resource}`));
        // ledger (SQL Server, no pacing: not gentle), customers (replace without the opt-in; batchRows above the
        // bound); orders and the Postgres job without pacing pass both.
        assert.deepStrictEqual([...new Set(flagged)].sort(), refused);
        assert.deepStrictEqual(refused, [
            "timbal-batch-and-rate-bounds customers",
            "timbal-gentle-sql-server-in-production ledger",
            "timbal-no-replace-mode-in-production customers",
        ]);
        // In the policy's own words.
        for (const refusal of plan.items.flatMap((item) => item.refusals)) assert.ok(output.includes(refusal.slice(refusal.indexOf(": ") + 2)), refusal);
    });

    it("a job moves from the TypeScript stack to the YAML one as the README says, dispatching nothing", async function () {
        const posts = emu.requests.filter((r) => r.method === "POST").length;
        const typescriptJob = (await stacks.typescript.cli.resources()).orders;
        // 1. Out of the old stack's state, without calling the provider (Timbal is not asked anything).
        await stacks.typescript.cli.ok(["state", "delete", typescriptJob.urn, "--yes"]);
        assert.ok(!(await stacks.typescript.cli.resources()).orders);
        // 2. Declared in the new program with adoptJobId: the next up records the job.
        const moved: Job = { name: "moved_orders", args: { ...BEFORE[0].args, adoptJobId: typescriptJob.id } };
        writeYamlProgram(stacks.yaml.project, "extractions", programOf("yaml", [...BEFORE, moved]));
        await stacks.yaml.cli.ok(["up", "--yes"]);
        assert.strictEqual(emu.requests.filter((r) => r.method === "POST").length, posts, "nothing dispatched");
        const adopted = (await stacks.yaml.cli.resources()).moved_orders;
        assert.strictEqual(adopted.id, typescriptJob.id);
        assert.strictEqual(adopted.type, "timbal:index:ConnectorJob");
    });
});
