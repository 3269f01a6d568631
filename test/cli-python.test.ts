import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_SEED, type Emulator } from "../emulator";
import { pack } from "../harness/consumer-project";
import { count, emulator, ORG } from "../harness/fixtures";
import { startCli } from "../harness/interrupt";
import { PulumiCli, REPO_ROOT, requirePulumiCli, writeStackConfig } from "../harness/pulumi-cli";
import { pythonProject, writePythonProgram } from "../harness/python-project";
import { registerSecret } from "../harness/secret-guard";

// A Python program through the real CLI and Pulumi's Python language host, with `pulumi` from PyPI and the generated
// `pulumi_timbal` SDK pip-installed into a virtualenv, and the npm package (whose plugin runs the jobs) installed from
// its tarball, as a Python user has them, against the emulator: the same behaviour as a TypeScript or a YAML program.

/** A warehouse table job, in Python: `more` are further keyword arguments (Python source). */
const warehouse = (name: string, destTable: string, table: string, more = "") =>
    `${name} = warehouse("${name}", "${destTable}", "${table}"${more ? `, ${more}` : ""})\n`;

/**
 * The program: a job, a staged load and the load that depends on it, and a ledger in another org through a provider
 * of its own (an explicit provider reads none of the stack's `timbal:` settings: it names its endpoint too).
 */
function program(baseUrl: string, options: { ordersTable?: string; finalTriggers?: number; more?: string } = {}): string {
    return `import pulumi
import pulumi_timbal as timbal

config = pulumi.Config()
prod = timbal.Provider("prod", org_id="acme-prod", base_url="${baseUrl}", api_key=config.require_secret("prodKey"))


def warehouse(name, dest_table, table, **more):
    return timbal.ConnectorJob(
        name,
        connector_id="warehouse-pg",
        kb_id=101,
        dest_table=dest_table,
        mode="append",
        source=timbal.ConnectorJobSourceArgs(kind="postgres", connection_ref="warehouse", table=table, cursor_column="id"),
        **more,
    )


${warehouse("orders", "orders", options.ordersTable ?? "orders")}${warehouse("stage", "stage_customers", "small_source", 'wait_for_completion={"poll_interval_seconds": 0.25}')}${warehouse(
        "final",
        "customers",
        "stage_customers",
        `triggers={"rerun": ${options.finalTriggers ?? 1}}, opts=pulumi.ResourceOptions(depends_on=[stage])`,
    )}ledger = timbal.ConnectorJob(
    "ledger",
    connector_id="erp-sqlserver",
    kb_id=202,
    dest_table="general_ledger",
    source={"kind": "sql_server", "connection_ref": "erp", "schema": "fin", "table": "GeneralLedger", "cursor_column": "EntryId"},
    pacing=timbal.ConnectorJobPacingArgs(read_uncommitted=True, max_dop=1, max_rows_per_sec=1000),
    opts=pulumi.ResourceOptions(provider=prod),
)
${options.more ?? ""}
pulumi.export("orders_state", orders.state)
pulumi.export("stage_rows", stage.rows_emitted)
`;
}

/** When each job's dispatch arrived (accepted POSTs in the request log, in order), by destination table. */
function postedAt(emu: Emulator, destTable: string): number {
    const posts = emu.requests.filter((r) => r.method === "POST" && r.status === 202);
    const index = emu.world.jobs.findIndex((j) => j.destTable === destTable);
    assert.ok(index >= 0, `${destTable} was dispatched`);
    return posts[index].at;
}

describe("a Python program on the timbal provider plugin (real CLI, Python language host, SDK from pip)", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let project: string;
    const devKey = registerSecret(`tmbl_dev_${"d".repeat(24)}`);
    const prodKey = registerSecret(`tmbl_prod_${"p".repeat(24)}`);
    const changed = (more = "") => program(emu.url, { ordersTable: "orders_v2", finalTriggers: 2, more });

    before(async function () {
        const binDir = requirePulumiCli(this, ["nodejs", "python"]);
        // Each key reaches one org only: the ledger is dispatched with the explicit provider's key, or refused.
        emu = await emulator({
            keys: { [devKey]: ["acme-dev"], [prodKey]: ["acme-prod"] },
            failTables: ["broken_source"],
            seed: { ...DEFAULT_SEED, tableRows: { ...DEFAULT_SEED.tableRows, small_source: 1000, slow_source: 60000, broken_source: 1000 } },
        });
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-python-"));
        project = pythonProject(path.join(work, "project"), "python-extractions", pack(REPO_ROOT, work), program(emu.url));
        cli = new PulumiCli(project, binDir);
        await cli.ok(["stack", "init", "dev"]);
        writeStackConfig(path.join(project, `Pulumi.dev.yaml`), { "timbal:orgId": ORG, "timbal:baseUrl": emu.url });
    });

    after(async () => emu?.stop());

    it("preview fails without an API key, saying how to set it, and sends nothing", async function () {
        await cli.ok(["config", "set", "--secret", "prodKey", prodKey]);
        const preview = await cli.run(["preview"]);
        assert.notStrictEqual(preview.code, 0);
        assert.match(preview.output, /no Timbal API key is configured\. Set it with `pulumi config set --secret timbal:apiKey <key>`/);
        assert.strictEqual(emu.requests.length, 0);
    });

    it("check names each bad field as Python spells it, with the fix, and sends nothing", async function () {
        await cli.ok(["config", "set", "--secret", "timbal:apiKey", devKey]);
        const bad = `timbal.ConnectorJob(
    "bad",
    connector_id="warehouse-pg",
    kb_id=0,
    dest_table="bad",
    source={"kind": "postgres", "conection_ref": "warehouse", "table": "orders"},
    wait_for_completion={"timeout_seconds": -1},
)
`;
        writePythonProgram(project, program(emu.url, { more: bad }));
        const preview = await cli.run(["preview"]);
        assert.notStrictEqual(preview.code, 0);
        assert.match(preview.output, /kb_id: must be/);
        assert.match(preview.output, /source\.conection_ref: is not a ConnectorJob input\. Did you mean "connection_ref"\? Allowed here: kind, connection_ref, table, cursor_column/);
        assert.match(preview.output, /source\.cursor_column: is required/);
        assert.match(preview.output, /wait_for_completion\.timeout_seconds: must be more than 0 seconds/);
        assert.doesNotMatch(preview.output, /kbId|connectionRef|cursorColumn|timeoutSeconds/, "no field in the declarations' camelCase");
        assert.strictEqual(emu.requests.length, 0);
        writePythonProgram(project, program(emu.url));
    });

    it("with the key in the stack's config (a secret), preview shows the jobs and sends nothing", async function () {
        const preview = await cli.ok(["preview"]);
        assert.match(preview.output, /\+ 6 to create/);
        assert.strictEqual(emu.requests.length, 0);
    });

    it("up dispatches each job once, the dependent after its dependency finished, the ledger with its own provider", async function () {
        const up = await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 4);
        const stage = emu.world.jobs.find((j) => j.destTable === "stage_customers")!;
        assert.ok(postedAt(emu, "customers") >= Date.parse(emu.world.view(stage).finished_at!), "final was dispatched before stage finished");
        assert.deepStrictEqual(
            emu.world.jobs.map((j) => [j.destTable, j.orgId]).sort(),
            [
                ["customers", "acme-dev"],
                ["general_ledger", "acme-prod"],
                ["orders", "acme-dev"],
                ["stage_customers", "acme-dev"],
            ],
        );
        assert.match(up.output, /timbal:index:ConnectorJob stage creating \([\d.]+s\) timbal: job job_\w+ of connector "warehouse-pg"[^\n]*: (queued|running|succeeded), \d+ rows[^\n]*Ctrl-C stops waiting/);
        assert.match(up.output, /orders_state\s*: "dispatched"/);
        assert.match(up.output, /stage_rows\s*: 1000/);
        const resources = await cli.resources();
        assert.strictEqual(resources.stage.outputs.state, "succeeded");
        assert.strictEqual(resources.orders.type, "timbal:index:ConnectorJob");
        assert.strictEqual(resources.orders.outputs.batchRows, 5000, "defaults are filled in as in TypeScript stacks");
        assert.deepStrictEqual(resources.ledger.outputs.pacing, { readUncommitted: true, maxDop: 1, maxRowsPerSec: 1000 });
        assert.deepStrictEqual(resources.ledger.outputs.source.cursorColumn, "EntryId", "a plain dict's snake_case keys reach the provider");
    });

    it("a second up changes nothing and sends nothing", async function () {
        const before = emu.requests.length;
        const up = await cli.ok(["up", "--yes"]);
        assert.match(up.output, /6 unchanged/);
        assert.strictEqual(emu.requests.length, before);
    });

    it("preview names the fields that re-dispatch (replaceReasons), sending nothing; up re-dispatches those jobs once", async function () {
        writePythonProgram(project, changed());
        const before = emu.requests.length;
        const preview = await cli.ok(["preview", "--json"]);
        assert.strictEqual(emu.requests.length, before);
        const steps: Array<{ op: string; urn: string; replaceReasons?: string[] }> = JSON.parse(preview.stdout).steps;
        const replaced = Object.fromEntries(steps.filter((s) => s.op === "replace").map((s) => [s.urn.split("::").pop(), s.replaceReasons]));
        assert.deepStrictEqual(replaced, { orders: ["source"], final: ["triggers"] });
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 6);
    });

    it("refresh reads each connector's job list once at most and brings each job's status", async function () {
        const before = emu.requests.length;
        await cli.ok(["refresh", "--yes", "--skip-preview"]);
        const lists = emu.requests.slice(before).filter((r) => r.method === "GET");
        assert.ok(lists.length <= 2, `${lists.length} list requests for 2 connectors: ${JSON.stringify(lists)}`);
        assert.strictEqual(count(emu, "POST"), 6);
        assert.notStrictEqual((await cli.resources()).orders.outputs.state, "dispatched", "refresh brought the job's status");
    });

    /** A job dispatched outside the stack (by hand, by a script): its id. */
    async function dispatchByHand(table: string): Promise<string> {
        const response = await fetch(`${emu.url}/orgs/acme-dev/connectors/warehouse-pg/jobs`, {
            method: "POST",
            headers: { Authorization: `Bearer ${devKey}`, "Content-Type": "application/json" },
            body: JSON.stringify({ kb_id: 101, dest_table: table, mode: "append", source: { kind: "postgres", connection_ref: "warehouse", table, cursor_column: "id" } }),
        });
        return ((await response.json()) as { job_id: string }).job_id;
    }

    it("adopt_job_id records a job dispatched elsewhere instead of dispatching", async function () {
        const jobId = await dispatchByHand("invoices");
        writePythonProgram(project, changed(warehouse("invoices", "invoices", "invoices", `adopt_job_id="${jobId}"`)));
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 7, "only the hand-made dispatch");
        assert.strictEqual((await cli.resources()).invoices.id, jobId);
    });

    it("a failed job fails the up with its own message and stays; the next up waits on it again and dispatches nothing", async function () {
        const broken = warehouse("broken", "broken", "broken_source", 'wait_for_completion={"poll_interval_seconds": 0.25}');
        writePythonProgram(project, changed(broken));
        const first = await cli.run(["up", "--yes"]);
        assert.notStrictEqual(first.code, 0);
        assert.match(first.output, /ended in state "failed": extraction of broken_source failed after 500 rows/);
        const posts = count(emu, "POST");
        const id = (await cli.resources()).broken.id;
        assert.ok(id?.startsWith("job_"), "the failed job is recorded");
        const second = await cli.run(["up", "--yes"]);
        assert.notStrictEqual(second.code, 0);
        assert.match(second.output, /ended in state "failed": extraction of broken_source failed after 500 rows/);
        assert.strictEqual(count(emu, "POST"), posts);
        assert.strictEqual((await cli.resources()).broken.id, id);
    });

    it("the first Ctrl-C ends a wait within 5 s, the job stays recorded, and the next up resumes the wait without dispatching", async function () {
        const slow = warehouse("slow", "slow", "slow_source", 'wait_for_completion={"poll_interval_seconds": 0.25}');
        writePythonProgram(project, changed(slow));
        const running = startCli(cli, ["up", "--yes"]);
        await running.waitFor(/slow creating \([\d.]+s\) timbal: job job_\w+[^\n]*running/);
        const interruptedAt = Date.now();
        running.interrupt();
        await running.exited;
        const took = Date.now() - interruptedAt;
        assert.ok(took < 5000, `up took ${took} ms to end after Ctrl-C:\n${running.output()}`);
        const posts = count(emu, "POST");
        const id = (await cli.resources()).slow?.id;
        assert.ok(id?.startsWith("job_"), `the job is recorded:\n${running.output()}`);

        emu.world.advance(3600_000);
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), posts, "nothing dispatched again");
        const resumed = (await cli.resources()).slow;
        assert.strictEqual(resumed.id, id);
        assert.strictEqual(resumed.outputs.state, "succeeded");
    });

    it("pulumi import records a job by its id and prints the Python to paste, pinned with adopt_job_id; once the program adds kb_id and source, up dispatches nothing", async function () {
        const jobId = await dispatchByHand("returns");
        const imported = await cli.ok(["import", "timbal:index:ConnectorJob", "returns", jobId, "--yes"]);
        assert.match(imported.output, /Timbal's job list gives neither its KB's numeric id nor its source: add kb_id and source/);
        assert.match(imported.output, new RegExp(`adopt_job_id="${jobId}"`), "the declaration to paste pins the job");
        assert.match(imported.output, /connector_id="warehouse-pg"/);
        const posts = count(emu, "POST");

        const slow = warehouse("slow", "slow", "slow_source", 'wait_for_completion={"poll_interval_seconds": 0.25}');
        writePythonProgram(project, changed(slow + warehouse("returns", "returns", "returns", `adopt_job_id="${jobId}"`)));
        const preview = await cli.ok(["preview", "--diff"]);
        assert.match(preview.output, /~ timbal:index:ConnectorJob: \(update\)[^]*returns/);
        assert.doesNotMatch(preview.output, /timbal:index:ConnectorJob: \(replace\)/);
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), posts, "nothing dispatched");
        const returns = (await cli.resources()).returns;
        assert.strictEqual(returns.id, jobId);
        assert.strictEqual(returns.outputs.source.table, "returns");
    });

    it("destroy forgets every job and sends nothing", async function () {
        const before = emu.requests.length;
        const destroy = await cli.ok(["destroy", "--yes"]);
        assert.match(destroy.output, /removed from the stack\. Timbal has no cancel endpoint/);
        assert.strictEqual(emu.requests.length, before);
        assert.deepStrictEqual(Object.keys(await cli.resources()), []);
    });
});
