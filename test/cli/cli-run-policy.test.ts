import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { DEFAULT_SEED, type Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { emulator } from "../../harness/fixtures";
import { newProjectFolder, typescriptProject, yamlProject } from "../../harness/language-projects";
import { dynamicType, pluginType } from "../../provider/fields/type-tokens";
import { programIn, type JobDeclaration, type Language } from "../../harness/program-text";
import { PulumiCli, requirePulumiCli, type LanguageHost } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";

// The run policy through the real CLI, in both shells (TypeScript on the dynamic provider, YAML on the plugin):
// a job older than its `rerunAfter` and a failed job with `retryFailed` are re-dispatched by the next `pulumi up`,
// once; preview shows it first and timbal-plan says why in words; a job still running is left alone, and the plan
// says so. The first jobs are dispatched with the emulator's clock 30 hours back, so that they finished that long ago.

const PLAN = path.join(REPO_ROOT, "dist", "plan", "cli.js");
const HOUR = 3_600_000;

const job = (name: string, table: string, policy: Record<string, unknown>): JobDeclaration => ({
    name,
    args: { connectorId: "warehouse-pg", kbId: 101, destTable: name, mode: "append", source: { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "id" }, ...policy },
});

const JOBS = [
    job("orders", "orders", { rerunAfter: "24h" }),
    job("broken", "broken_source", { retryFailed: true }),
    job("slow", "slow_source", { rerunAfter: "1h", retryFailed: true }),
];

/** A project running `program` in `language`, on this checkout's package (built), without packing it. */
function projectIn(language: Exclude<Language, "python">, program: string): string {
    if (language === "typescript") return typescriptProject("policy", program);
    return yamlProject(newProjectFolder("policy"), "policy", program, { pluginPath: path.join(REPO_ROOT, "plugin") });
}

const SHELLS: Array<{ language: Exclude<Language, "python">; hosts: LanguageHost[] }> = [
    { language: "typescript", hosts: ["nodejs"] },
    { language: "yaml", hosts: ["nodejs", "yaml"] },
];

for (const { language, hosts } of SHELLS) {
    describe(`the run policy in a ${language} stack (real CLI)`, function () {
        this.timeout(600_000);
        let emu: Emulator;
        let cli: PulumiCli;
        const posts = () => emu.requests.filter((r) => r.method === "POST").length;
        const dispatchedTo = (table: string) => emu.world.jobs.filter((j) => j.destTable === table).length;

        before(async function () {
            const binDir = requirePulumiCli(this, hosts);
            emu = await emulator({
                failTables: ["broken_source"],
                seed: { ...DEFAULT_SEED, tableRows: { ...DEFAULT_SEED.tableRows, orders: 1000, broken_source: 1000, slow_source: 1_000_000_000 } },
            });
            emu.world.advance(-30 * HOUR);
            cli = await emulatorStack(projectIn(language, programIn(language, { jobs: JOBS })), binDir, emu);
            await cli.ok(["up", "--yes"]);
            assert.strictEqual(posts(), 3);
            // Back to the present: orders succeeded and broken failed 30 hours ago; slow still runs (for days).
            emu.world.advance(30 * HOUR);
        });

        after(async () => emu?.stop());

        it("preview, after a refresh, re-dispatches the stale job and the failed one, sending nothing; timbal-plan says why", async function () {
            await cli.ok(["refresh", "--yes", "--skip-preview"]);
            const before = emu.requests.length;
            const preview = await cli.ok(["preview", "--json", "--show-sames"]);
            assert.strictEqual(emu.requests.length, before, "preview sends nothing");
            const steps: Array<{ op: string; urn: string; replaceReasons?: string[] }> = JSON.parse(preview.stdout).steps;
            const replaced = Object.fromEntries(steps.filter((s) => s.op === "replace" && /ConnectorJob::/.test(s.urn)).map((s) => [s.urn.split("::").pop(), s.replaceReasons]));
            assert.deepStrictEqual(replaced, { orders: ["rerunAfter"], broken: ["retryFailed"] });

            // timbal-plan, on the machine that previewed (the same decision clock, in Pulumi's home).
            const plan = spawnSync(process.execPath, [PLAN, "--format", "json"], { input: preview.stdout, encoding: "utf8", env: cli.environment() });
            assert.strictEqual(plan.status, 0, plan.stderr);
            const [stack] = JSON.parse(plan.stdout).stacks;
            const policies = Object.fromEntries(stack.items.map((item: { resource: string; policy?: string }) => [item.resource, item.policy]));
            assert.match(policies.orders, /^last job finished (29|30) h ago; older than 24h$/);
            assert.match(policies.broken, /^last job failed: extraction of broken_source failed after 500 rows: [^;]*; retryFailed$/);
            // Judged from the preview's steps (--show-sames lists the job left alone), as the provider's diff judges it.
            assert.deepStrictEqual(stack.held, [{ resource: "slow", reason: "last job still running: nothing is dispatched while it runs" }]);
        });

        it("preview says on the job's row why the job still running gets no new job", async function () {
            const { stdout } = await cli.ok(["preview"]);
            // The CLI groups diagnostics under their resource: `<type> (<name>):`, then the provider's lines.
            const groups = stdout.slice(stdout.indexOf("Diagnostics:")).split(/\n(?=  \S)/);
            const type = language === "typescript" ? dynamicType("connectorJob") : pluginType("connectorJob");
            const slow = groups.find((group) => group.startsWith(`  ${type} (slow):`));
            assert.match(slow ?? stdout, /run policy waits: last job still running: nothing is dispatched while it runs/);
            assert.ok(!/run policy waits/.test(groups.filter((group) => group !== slow).join("\n")), "on no other row");
        });

        it("up dispatches exactly those two, once each; the job still running gets no second job", async function () {
            await cli.ok(["up", "--yes"]);
            assert.strictEqual(posts(), 5);
            assert.deepStrictEqual([dispatchedTo("orders"), dispatchedTo("broken"), dispatchedTo("slow")], [2, 2, 1]);
            const resources = await cli.resources();
            const newest = (table: string) => emu.world.jobs.filter((j) => j.destTable === table).at(-1)!.id;
            assert.strictEqual(resources.orders.id, newest("orders"), "the new job is recorded");
            assert.strictEqual(resources.broken.id, newest("broken"));
        });

        it("once the new jobs ended, up --refresh leaves the fresh one alone and retries the job that failed again", async function () {
            emu.world.advance(60_000);
            await cli.ok(["up", "--yes", "--refresh"]);
            assert.deepStrictEqual([dispatchedTo("orders"), dispatchedTo("broken"), dispatchedTo("slow")], [2, 3, 1]);
        });
    });
}
