import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { count, emulator } from "../../harness/fixtures";
import { projectUsingRepoModules, PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";
import { leaksIn, registerSecret } from "../../harness/secret-guard";

// examples/environments with the real CLI: one program, a dev and a prod stack against one emulator holding both orgs,
// each stack with its own key (limited to its own org), KBs and pacing; what a reviewer sees in `pulumi preview`.

const EXAMPLE = path.join(REPO_ROOT, "examples", "environments");
const TABLES = ["orders", "order_items", "customers", "general_ledger"];

describe("environments: a dev and a prod stack from one program, with the real CLI", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let program: string;
    const devKey = registerSecret("tmbl_dev_only_key_0123456789");
    const prodKey = registerSecret("tmbl_prod_only_key_0123456789");
    const as = (stack: "dev" | "prod") => ({ TIMBAL_API_KEY: stack === "dev" ? devKey : prodKey });
    const pulumi = (stack: "dev" | "prod", args: string[]) => cli.ok([...args, "--stack", stack], { env: as(stack) });
    const jobsOf = (org: string) => emu.world.jobs.filter((job) => job.orgId === org);

    before(async function () {
        const binDir = requirePulumiCli(this);
        emu = await emulator({ speed: 200, keys: { [devKey]: ["acme-dev"], [prodKey]: ["acme-prod"] } });
        const project = projectUsingRepoModules();
        for (const file of ["Pulumi.yaml", "index.ts", "settings.ts", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
            const text = fs.readFileSync(path.join(EXAMPLE, file), "utf8");
            // Both stacks point at this test's emulator instead of the local default and the public API.
            fs.writeFileSync(path.join(project, file), text.replace(/timbal:baseUrl: .*/, `timbal:baseUrl: ${emu.url}`));
        }
        program = path.join(project, "index.ts");
        cli = new PulumiCli(project, binDir);
        for (const stack of ["dev", "prod"] as const) await pulumi(stack, ["stack", "init"]);
    });

    after(async () => emu?.stop());

    it("both stacks deploy, each to its own org, with its own KBs and pacing", async function () {
        await pulumi("dev", ["up", "--yes"]);
        await pulumi("prod", ["up", "--yes"]);
        assert.deepStrictEqual(jobsOf("acme-dev").map((j) => j.destTable).sort(), [...TABLES].sort());
        assert.deepStrictEqual(jobsOf("acme-prod").map((j) => j.destTable).sort(), [...TABLES].sort());
        assert.ok(jobsOf("acme-dev").every((j) => j.kbUid.startsWith("kb_dev_")));
        assert.ok(jobsOf("acme-prod").every((j) => j.kbUid.startsWith("kb_prod_")));
        const ledger = (org: string) => jobsOf(org).find((j) => j.destTable === "general_ledger")!.body.pacing;
        assert.deepStrictEqual(ledger("acme-dev"), { read_uncommitted: true });
        assert.deepStrictEqual(ledger("acme-prod"), { read_uncommitted: true, max_dop: 1, max_rows_per_sec: 2000 });
        // prod waits for its extractions (settings.waitForCompletion): each job's completion holds its final state, and
        // so does the job's `state` output that the program exports.
        const prod = JSON.parse((await cli.run(["stack", "export", "--stack", "prod"])).stdout).deployment.resources;
        const ofType = (type: string) => prod.filter((r: any) => r.type === `pulumi-nodejs:dynamic/timbal:${type}`);
        assert.deepStrictEqual(ofType("ConnectorJobCompletion").map((r: any) => r.outputs.state), ["succeeded", "succeeded", "succeeded", "succeeded"]);
        assert.deepStrictEqual(ofType("ConnectorJobCompletion").map((r: any) => r.id).sort(), ofType("ConnectorJob").map((r: any) => r.id).sort());
        const exported = JSON.parse((await pulumi("prod", ["stack", "output", "jobs", "--json"])).stdout);
        assert.deepStrictEqual(Object.values(exported).map((job: any) => job.state), ["succeeded", "succeeded", "succeeded", "succeeded"]);
        // dev does not wait: no completion resources at all.
        const dev = JSON.parse((await cli.run(["stack", "export", "--stack", "dev"])).stdout).deployment.resources;
        assert.strictEqual(dev.filter((r: any) => r.type.endsWith("ConnectorJobCompletion")).length, 0);
    });

    it("neither stack touches the other's jobs", async function () {
        const prodBefore = (await cli.run(["stack", "export", "--stack", "prod"])).stdout;
        const prodRequests = () => emu.requests.filter((r) => r.orgId === "acme-prod").length;
        const before = prodRequests();
        await pulumi("dev", ["refresh", "--yes"]);
        await pulumi("dev", ["destroy", "--yes"]);
        assert.strictEqual(prodRequests(), before, "nothing the dev stack did reached the prod org");
        const prodIds = (text: string) => JSON.parse(text).deployment.resources.map((r: any) => r.id).filter(Boolean).sort();
        assert.deepStrictEqual(prodIds((await cli.run(["stack", "export", "--stack", "prod"])).stdout), prodIds(prodBefore));
        await pulumi("prod", ["refresh", "--yes"]);
        await pulumi("dev", ["up", "--yes"]);
        assert.strictEqual(jobsOf("acme-prod").length, TABLES.length);
    });

    it("a reviewer sees which jobs a change replaces, and why, and which change in place", async function () {
        const source = fs.readFileSync(program, "utf8");
        fs.writeFileSync(
            program,
            source
                .replace('sourceTable: "customers",', 'sourceTable: "customers_v2",') // a field sent to the API
                .replace('sourceTable: "order_items", kb: "sales", mode: "append"', 'sourceTable: "order_items", kb: "sales", mode: "append", triggers: "backfill-2026-11"')
                .replace('sourceTable: "orders", kb: "sales", mode: "append"', 'sourceTable: "orders", kb: "sales", mode: "append", waitForCompletion: false'),
        );
        try {
            const posts = count(emu, "POST");
            const { output } = await pulumi("prod", ["preview", "--diff"]);
            // One resource's part of the diff: from its header line to the next resource's.
            const HEADER = "pulumi-nodejs:dynamic/timbal:ConnectorJob: (";
            const block = (name: string) => {
                const urn = output.indexOf(`ConnectorJob::${name}]`);
                assert.ok(urn >= 0, `${name} is not in the diff`);
                const next = output.indexOf(HEADER, urn);
                return output.slice(output.lastIndexOf(HEADER, urn) - 4, next < 0 ? undefined : next);
            };
            assert.match(block("customers"), /\+-pulumi-nodejs:dynamic\/timbal:ConnectorJob: \(replace\)/);
            assert.match(block("customers"), /~ table\s*: "customers" => "customers_v2"/);
            assert.match(block("order_items"), /\+-pulumi-nodejs:dynamic\/timbal:ConnectorJob: \(replace\)/);
            assert.match(block("order_items"), /\+ triggers\s*: "backfill-2026-11"/);
            assert.match(block("orders"), /~ pulumi-nodejs:dynamic\/timbal:ConnectorJob: \(update\)/);
            assert.match(block("orders"), /~ waitForCompletion\s*: true => false/);
            // Each replaced job's completion is replaced too (it waits on the new job), and the completion of the job
            // that stops waiting is removed: waiting changes nothing in Timbal, so neither dispatches anything.
            assert.match(output, /ConnectorJob\$pulumi-nodejs:dynamic\/timbal:ConnectorJobCompletion::customers-completion\]/);
            assert.match(output, /~ 1 to update/);
            assert.match(output, /\+-4 to replace/);
            assert.match(output, /- 1 to delete/);

            const preview = JSON.parse((await pulumi("prod", ["preview", "--json"])).stdout);
            const step = (name: string) => preview.steps.find((s: any) => s.urn.endsWith(`::${name}`) && s.op !== "create-replacement" && s.op !== "delete-replaced");
            assert.deepStrictEqual([step("customers").op, step("customers").replaceReasons], ["replace", ["source"]]);
            assert.deepStrictEqual([step("order_items").op, step("order_items").replaceReasons], ["replace", ["triggers"]]);
            // The dynamic provider host passes on replacement reasons but no per-field reasons for an update: in JSON, an
            // update's fields are the inputs that differ between its old and new state.
            const orders = step("orders");
            const changed = Object.keys(orders.newState.inputs).filter(
                (key) => JSON.stringify(orders.newState.inputs[key]) !== JSON.stringify(orders.oldState.inputs[key]),
            );
            assert.deepStrictEqual([orders.op, changed], ["update", ["waitForCompletion"]]);
            const touched = new Set(preview.steps.filter((s: any) => s.op !== "same").map((s: any) => s.urn.split("::").pop()));
            assert.deepStrictEqual(
                [...touched].sort(),
                ["customers", "customers-completion", "order_items", "order_items-completion", "orders", "orders-completion"],
                "general_ledger is untouched",
            );
            assert.strictEqual(count(emu, "POST"), posts, "previews dispatch nothing");
            assert.deepStrictEqual(leaksIn(output), []);
        } finally {
            fs.writeFileSync(program, source);
        }
    });

    it("the program checks its own settings and names the bad field", async function () {
        const file = path.join(cli.projectDir, "Pulumi.dev.yaml");
        const good = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, good.replace("sales: 101", "sales: banana"));
        try {
            const result = await cli.run(["preview", "--stack", "dev"], { env: as("dev") });
            assert.notStrictEqual(result.code, 0);
            assert.match(result.output, /stack config timbal-extractions:settings is invalid:\s+- settings\.kbs\.sales: .*expected number/);
        } finally {
            fs.writeFileSync(file, good);
        }
    });
});
