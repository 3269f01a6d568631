import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_SEED, type Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { count, emulator } from "../../harness/fixtures";
import { killMarked, startCli } from "../../harness/interrupt";
import { goProject, pythonProject, writeGoProgram, writePythonProgram, writeYamlProgram, yamlProject } from "../../harness/language-projects";
import { programIn, type JobDeclaration, type StackProgram } from "../../harness/program-text";
import { isStoredSecret, requirePulumiCli, type PulumiCli } from "../../harness/pulumi-cli";
import { pluginTarball, releasePage, type ReleasePage } from "../../harness/release-artifacts";
import { registerSecret } from "../../harness/secret-guard";

// The parity suite of a language served by the timbal provider plugin (YAML, Python, Go): a program through the real
// CLI and Pulumi's own language host, installed as a user of that language installs it (the plugin by `pulumi install`
// from the release page, served locally; the SDK by the language's own tool), against the emulator. The same
// behaviour as a TypeScript program on the dynamic provider, and what only the plugin does (the first Ctrl-C ends a
// wait; progress on the job's own row). One program description (harness/program-text.ts), written in each language.
// Each language's test file (cli-yaml, cli-python, cli-go) lists the behaviours, in this order: each one builds on
// the stack the ones before it left. YAML runs them all; Python and Go leave out those their language takes no part in
// (cli-python.test.ts says which, and where they are proved). This module holds that stack (parityStack) and each behaviour's steps.

export type PluginLanguage = "yaml" | "python" | "go";

/** What a behaviour expects of the language's programs: how they spell fields, and what names a misspelt one. */
export interface LanguageSpelling {
    language: PluginLanguage;
    /** A field path as the language's programs spell it (`source.connectionRef`, `source.connection_ref`, `Source.ConnectionRef`). */
    spell(path: string): string;
    /** What a preview says of a misspelt `source.connectionRef` (`conectionRef`). */
    misspelt: RegExp;
    /** How the declaration `pulumi import` prints gives a field its text value. */
    printedField(name: string, value: string): RegExp;
}

const NAME = "plugin-extractions";

/** Each language's project, set up as its users install the package (language-projects.ts), and its program's rewrite. */
const PROJECTS: Record<PluginLanguage, { project(dir: string, program: string): string; write(dir: string, program: string): void }> = {
    yaml: { project: (dir, program) => yamlProject(dir, NAME, program), write: (dir, program) => writeYamlProgram(dir, NAME, program) },
    python: { project: (dir, program) => pythonProject(dir, NAME, program), write: writePythonProgram },
    go: { project: (dir, program) => goProject(dir, NAME, program), write: writeGoProgram },
};

/** A warehouse table's job; `more` adds or overrides inputs. */
function warehouse(name: string, destTable: string, table: string, more: Record<string, unknown> = {}, options: Partial<JobDeclaration> = {}): JobDeclaration {
    const source = { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "id" };
    return { name, args: { connectorId: "warehouse-pg", kbId: 101, destTable, mode: "append", source, ...more }, ...options };
}

const WAITS = { waitForCompletion: { pollIntervalSeconds: 0.25 } };

/** A job that waits on a long extraction (60,000 rows: half a minute on the emulator's clock). */
const SLOW = warehouse("slow", "slow", "slow_source", WAITS);

/**
 * The program: a job, a staged load and the load that depends on it, and a ledger in another org, through a provider
 * of its own (an explicit provider reads none of the stack's `timbal:` settings: it names its endpoint too).
 */
function stackProgram(baseUrl: string, options: { ordersTable?: string; finalTriggers?: number; more?: JobDeclaration[] } = {}): StackProgram {
    const ledger: JobDeclaration = {
        name: "ledger",
        args: {
            connectorId: "erp-sqlserver",
            kbId: 202,
            destTable: "general_ledger",
            source: { kind: "sql_server", connectionRef: "erp", schema: "fin", table: "GeneralLedger", cursorColumn: "EntryId" },
            pacing: { readUncommitted: true, maxDop: 1, maxRowsPerSec: 1000 },
        },
        provider: "prod",
    };
    return {
        providers: { prod: { orgId: "acme-prod", baseUrl, apiKey: { secretConfig: "prodKey" } } },
        jobs: [
            warehouse("orders", "orders", options.ordersTable ?? "orders"),
            warehouse("stage", "stage_customers", "small_source", WAITS),
            warehouse("final", "customers", "stage_customers", { triggers: { rerun: options.finalTriggers ?? 1 } }, { dependsOn: "stage" }),
            ledger,
            ...(options.more ?? []),
        ],
        outputs: { ordersState: ["orders", "state"], stageRows: ["stage", "rowsEmitted"] },
    };
}

/** The suite's stack, and what its behaviours share: set by the hooks parityStack registers. */
export class ParityStack {
    emu!: Emulator;
    cli!: PulumiCli;
    project!: string;
    work!: string;
    release!: ReleasePage;
    /** Each key reaches one org only: the ledger is dispatched with the explicit provider's key, or refused. */
    readonly devKey = registerSecret(`tmbl_dev_${"d".repeat(24)}`);
    readonly prodKey = registerSecret(`tmbl_prod_${"p".repeat(24)}`);

    constructor(readonly spelling: LanguageSpelling) {}

    get language(): PluginLanguage {
        return this.spelling.language;
    }

    /** Rewrites the project's program. */
    write(program: StackProgram): void {
        PROJECTS[this.language].write(this.project, programIn(this.language, program));
    }

    /** The program after the change under review (orders re-pointed, final re-triggered), with `more` jobs. */
    changed(...more: JobDeclaration[]): StackProgram {
        return stackProgram(this.emu.url, { ordersTable: "orders_v2", finalTriggers: 2, more });
    }

    /** A job dispatched outside the stack (by hand, by a script): its id. */
    async dispatchByHand(table: string): Promise<string> {
        const response = await fetch(`${this.emu.url}/orgs/acme-dev/connectors/warehouse-pg/jobs`, {
            method: "POST",
            headers: { Authorization: `Bearer ${this.devKey}`, "Content-Type": "application/json" },
            body: JSON.stringify({ kb_id: 101, dest_table: table, mode: "append", source: { kind: "postgres", connection_ref: "warehouse", table, cursor_column: "id" } }),
        });
        return ((await response.json()) as { job_id: string }).job_id;
    }

    /** When a job's dispatch arrived (accepted POSTs in the request log, in order), by destination table. */
    postedAt(destTable: string): number {
        const posts = this.emu.requests.filter((r) => r.method === "POST" && r.status === 202);
        const index = this.emu.world.jobs.findIndex((j) => j.destTable === destTable);
        assert.ok(index >= 0, `${destTable} was dispatched`);
        return posts[index].at;
    }
}

/**
 * The parity stack of a language, in the calling `describe`: before its behaviours, an emulator, the release page
 * served, the project and a stack of it on the emulator (no key yet), and the plugin fetched by `pulumi install`;
 * after them, both servers stopped.
 */
export function parityStack(spelling: LanguageSpelling): ParityStack {
    const s = new ParityStack(spelling);
    before(async function () {
        const binDir = requirePulumiCli(this, [s.language]);
        s.emu = await emulator({
            keys: { [s.devKey]: ["acme-dev"], [s.prodKey]: ["acme-prod"] },
            failTables: ["broken_source"],
            seed: { ...DEFAULT_SEED, tableRows: { ...DEFAULT_SEED.tableRows, small_source: 1000, slow_source: 60000, broken_source: 1000 } },
        });
        s.work = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${s.language}-`));
        s.release = await releasePage([await pluginTarball()]);
        s.project = PROJECTS[s.language].project(path.join(s.work, "project"), programIn(s.language, stackProgram(s.emu.url)));
        s.cli = await emulatorStack(s.project, binDir, s.emu, { apiKey: "none", env: s.release.env });
        // A user's install: it fetches the plugin the program's SDK (YAML: Pulumi.yaml) names.
        await s.cli.ok(["install"]);
        assert.strictEqual(s.release.downloads.length, 1, "pulumi install fetched the plugin from the release page");
    });
    // Each behaviour builds on the stack the ones before it left: after one fails (a lock, a half-made change), the
    // next would fail for that reason, not its own. The suite stops there and names the behaviour that broke.
    let broken: string | undefined;
    beforeEach(function () {
        if (broken) throw new Error(`the suite stops: "${broken}" failed, and every behaviour after it builds on the stack it left`);
    });
    afterEach(function () {
        if (this.currentTest?.state === "failed") broken ??= this.currentTest.title;
    });
    after(async () => {
        await s.emu?.stop();
        await s.release?.stop();
    });
    return s;
}

export async function previewFailsWithoutAKey({ cli, emu, prodKey }: ParityStack): Promise<void> {
    await cli.ok(["config", "set", "--secret", "prodKey", prodKey]);
    const preview = await cli.run(["preview"]);
    assert.notStrictEqual(preview.code, 0);
    assert.match(preview.output, /no Timbal API key is configured\. Set it with `pulumi config set --secret timbal:apiKey <key>`/);
    assert.strictEqual(emu.requests.length, 0);
}

export async function checkNamesEachBadField(s: ParityStack): Promise<void> {
    const { cli, emu } = s;
    await cli.ok(["config", "set", "--secret", "timbal:apiKey", s.devKey]);
    const source = { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "" };
    s.write(stackProgram(emu.url, { more: [warehouse("bad", "bad", "orders", { kbId: 0, source, waitForCompletion: { timeoutSeconds: -1 } })] }));
    const preview = await cli.run(["preview"]);
    assert.notStrictEqual(preview.code, 0);
    const { spell } = s.spelling;
    const quote = (text: string) => text.replace(/[.?]/g, "\\$&");
    assert.match(preview.output, new RegExp(quote(`${spell("kbId")}: must be an integer >= 1`)));
    assert.match(preview.output, new RegExp(quote(`${spell("source.cursorColumn")}: must not be empty`)));
    assert.match(preview.output, new RegExp(quote(`${spell("waitForCompletion.timeoutSeconds")}: must be more than 0 seconds`)));
    if (s.language !== "yaml") assert.doesNotMatch(preview.output, /kbId|cursorColumn|timeoutSeconds/, "no field in the declarations' camelCase");
    assert.strictEqual(emu.requests.length, 0);
}

export async function misspeltFieldIsNamed(s: ParityStack): Promise<void> {
    const misspelt = { kind: "postgres", conectionRef: "warehouse", table: "orders", cursorColumn: "id" };
    s.write(stackProgram(s.emu.url, { more: [warehouse("bad", "bad", "orders", { source: misspelt })] }));
    const preview = await s.cli.run(["preview"]);
    assert.notStrictEqual(preview.code, 0);
    assert.match(preview.output, s.spelling.misspelt);
    assert.strictEqual(s.emu.requests.length, 0);
    s.write(stackProgram(s.emu.url));
}

export async function previewShowsTheJobs({ cli, emu }: ParityStack): Promise<void> {
    const preview = await cli.ok(["preview"]);
    assert.match(preview.output, /\+ 7 to create/, "each job, the completion that waits for stage, the stack and the explicit provider");
    assert.strictEqual(emu.requests.length, 0);
}

export async function upDispatchesEachJobOnce(s: ParityStack): Promise<void> {
    const { cli, emu } = s;
    const up = await cli.ok(["up", "--yes"]);
    assert.strictEqual(count(emu, "POST"), 4);
    const stage = emu.world.jobs.find((j) => j.destTable === "stage_customers")!;
    assert.ok(s.postedAt("customers") >= Date.parse(emu.world.view(stage).finished_at!), "final was dispatched before stage finished");
    assert.deepStrictEqual(
        emu.world.jobs.map((j) => [j.destTable, j.orgId]).sort(),
        [
            ["customers", "acme-dev"],
            ["general_ledger", "acme-prod"],
            ["orders", "acme-dev"],
            ["stage_customers", "acme-dev"],
        ],
    );
    // The wait's progress is on the job's own row.
    assert.match(up.output, /timbal:index:ConnectorJobCompletion stage-completion creating \([\d.]+s\) timbal: job job_\w+ of connector "warehouse-pg"[^\n]*: (queued|running|succeeded), [\d,]+ rows[^\n]*Ctrl-C stops waiting/);
    assert.match(up.output, /ordersState\s*: "dispatched"/);
    assert.match(up.output, /stageRows\s*: 1000/);
    const resources = await cli.resources();
    // The job recorded at the API's answer, then its completion with the final status (the program reads that one).
    assert.strictEqual(resources.stage.outputs.state, "dispatched");
    assert.strictEqual(resources["stage-completion"].outputs.state, "succeeded");
    assert.strictEqual(resources["stage-completion"].parent, resources.stage.urn, "the completion is the job's child");
    assert.strictEqual(resources.orders.type, "timbal:index:ConnectorJob");
    assert.strictEqual(resources.orders.outputs.mode, "append");
    assert.strictEqual(resources.orders.outputs.batchRows, 5000, "defaults are filled in as in TypeScript stacks");
    assert.deepStrictEqual(resources.ledger.outputs.pacing, { readUncommitted: true, maxDop: 1, maxRowsPerSec: 1000 });
    assert.strictEqual(resources.ledger.outputs.source.cursorColumn, "EntryId");
    assert.ok(!JSON.stringify(resources).includes("__provider"), "no code in state");
}

export async function secondUpChangesNothing({ cli, emu }: ParityStack): Promise<void> {
    const before = emu.requests.length;
    const up = await cli.ok(["up", "--yes"]);
    assert.match(up.output, /7 unchanged/);
    assert.strictEqual(emu.requests.length, before);
}

export async function previewNamesWhatReDispatches(s: ParityStack): Promise<void> {
    const { cli, emu } = s;
    s.write(s.changed());
    const before = emu.requests.length;
    const preview = await cli.ok(["preview", "--json"]);
    assert.strictEqual(emu.requests.length, before);
    const steps: Array<{ op: string; urn: string; replaceReasons?: string[] }> = JSON.parse(preview.stdout).steps;
    const replaced = Object.fromEntries(steps.filter((step) => step.op === "replace").map((step) => [step.urn.split("::").pop(), step.replaceReasons]));
    assert.deepStrictEqual(replaced, { orders: ["source"], final: ["triggers"] });
    await cli.ok(["up", "--yes"]);
    assert.strictEqual(count(emu, "POST"), 6);
}

export async function refreshReadsEachJobListOnce({ cli, emu }: ParityStack): Promise<void> {
    const before = emu.requests.length;
    // Without --skip-preview the CLI refreshes twice, in a preview and then for real, each in a provider process
    // of its own: each reads the list once.
    await cli.ok(["refresh", "--yes", "--skip-preview"]);
    const lists = emu.requests.slice(before).filter((r) => r.method === "GET");
    assert.ok(lists.length <= 2, `${lists.length} list requests for 2 connectors: ${JSON.stringify(lists)}`);
    assert.strictEqual(count(emu, "POST"), 6);
    assert.notStrictEqual((await cli.resources()).orders.outputs.state, "dispatched", "refresh brought the job's status");
}

export async function adoptJobIdRecordsAJob(s: ParityStack): Promise<void> {
    const jobId = await s.dispatchByHand("invoices");
    s.write(s.changed(warehouse("invoices", "invoices", "invoices", { adoptJobId: jobId })));
    await s.cli.ok(["up", "--yes"]);
    assert.strictEqual(count(s.emu, "POST"), 7, "only the hand-made dispatch");
    assert.strictEqual((await s.cli.resources()).invoices.id, jobId);
}

export async function failedJobFailsTheUpAndStays(s: ParityStack): Promise<void> {
    const { cli, emu } = s;
    // Its status marked secret: the API's message is in the completion's state, encrypted as in the job's.
    s.write(s.changed({ ...warehouse("broken", "broken", "broken_source", WAITS), secretOutputs: ["message", "rowsEmitted"] }));
    const first = await cli.run(["up", "--yes"]);
    assert.notStrictEqual(first.code, 0);
    assert.match(first.output, /ended in state "failed": extraction of broken_source failed after 500 rows/);
    const posts = count(emu, "POST");
    const resources = await cli.resources();
    const id = resources.broken.id;
    assert.ok(id?.startsWith("job_"), "the failed job is recorded");
    // The job's own status is from its dispatch (no message yet); the completion's is the final one.
    for (const field of ["message", "rowsEmitted"]) assert.ok(isStoredSecret(resources["broken-completion"].outputs[field]), `the completion's ${field} is a secret in state`);
    assert.ok(isStoredSecret(resources.broken.outputs.rowsEmitted), "the job's rowsEmitted is a secret in state");
    // (The engine keeps the up's error with the resource, and that error quotes the message: README, "Waiting".)
    const outputs = JSON.stringify(Object.values(resources).map((resource) => resource.outputs));
    assert.ok(!outputs.includes("extraction of broken_source failed"), "the message is in no output in plain text");
    const second = await cli.run(["up", "--yes"]);
    assert.notStrictEqual(second.code, 0);
    assert.match(second.output, /ended in state "failed": extraction of broken_source failed after 500 rows/);
    assert.strictEqual(count(emu, "POST"), posts);
    assert.strictEqual((await cli.resources()).broken.id, id);
}

export async function firstCtrlCEndsAWait(s: ParityStack): Promise<void> {
    const { cli, emu } = s;
    s.write(s.changed(SLOW));
    const running = startCli(cli, ["up", "--yes"]);
    await running.waitFor(/slow-completion creating \([\d.]+s\) timbal: job job_\w+[^\n]*running/);
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
    const resources = await cli.resources();
    assert.strictEqual(resources.slow.id, id);
    assert.strictEqual(resources["slow-completion"].outputs.state, "succeeded");
}

export async function killedRunnerRecovers(s: ParityStack): Promise<void> {
    const { cli, emu } = s;
    // A fresh copy of the project, the plugin installed again (`pulumi install`), a new PULUMI_HOME and HOME
    // (no dispatch journal): only the backend and the stack's config files are the killed runner's. (Python:
    // the virtualenv is shared by the run's projects; it holds no state of this package.)
    const waiting = warehouse("slow_again", "slow_again", "slow_source", WAITS);
    const dependent = warehouse("after_slow", "after_slow", "small_source", {}, { dependsOn: "slow_again" });
    const program = s.changed(SLOW, waiting, dependent);
    s.write(program);
    const running = startCli(cli, ["up", "--yes"]);
    await running.waitFor(/slow_again\S* creating \([\d.]+s\) timbal: job job_\w+[^\n]*running/);
    running.killGroup();
    await running.exited;
    killMarked(running.mark);
    const jobsOf = (table: string) => emu.world.jobs.filter((j) => j.destTable === table);
    assert.strictEqual(jobsOf("slow_again").length, 1);
    assert.strictEqual(jobsOf("after_slow").length, 0, "the dependent waits for its dependency to finish");
    const posts = count(emu, "POST");

    const freshProject = PROJECTS[s.language].project(fs.mkdtempSync(path.join(s.work, "runner-")), programIn(s.language, program));
    const runner = cli.onFreshRunner(freshProject);
    await runner.ok(["install"]);
    emu.world.advance(3600_000);
    // As a CI workflow runs it: the stack named (a new PULUMI_HOME has none selected). The killed run still
    // holds the backend's lock: `up` refuses and says to run `pulumi cancel`, sending nothing.
    const locked = await runner.run(["up", "--yes", "--stack", "dev"]);
    assert.match(locked.output, /the stack is currently locked[^]*pulumi cancel/);
    assert.strictEqual(count(emu, "POST"), posts);
    await runner.ok(["cancel", "--yes", "--stack", "dev"]);
    const up = await runner.ok(["up", "--yes", "--stack", "dev"]);
    assert.strictEqual(count(emu, "POST"), posts + 1, "one dispatch: the dependent's");
    assert.deepStrictEqual([jobsOf("slow_again").length, jobsOf("after_slow").length], [1, 1], "one job per resource");
    assert.match(up.output, /slow_again-completion created[^\n]*succeeded, 60,000 rows/, "the wait resumed on the new runner");
    await runner.ok(["stack", "select", "dev"]);
    const resources = await runner.resources();
    assert.strictEqual(resources.slow_again.id, jobsOf("slow_again")[0].id, "the killed runner's job is the one recorded");
    assert.strictEqual(resources["slow_again-completion"].outputs.state, "succeeded", "and waited for");
    assert.strictEqual(resources.after_slow.id, jobsOf("after_slow")[0].id);
    // On the emulator's clock (advanced above): the dependent's job was created after its dependency finished.
    const finished = Date.parse(emu.world.view(jobsOf("slow_again")[0]).finished_at!);
    assert.ok(Date.parse(emu.world.view(jobsOf("after_slow")[0]).created_at) >= finished, "the dependent was dispatched after its dependency finished");
}

export async function importRecordsAJob(s: ParityStack): Promise<void> {
    const { cli, emu, spelling } = s;
    const jobId = await s.dispatchByHand("returns");
    const imported = await cli.ok(["import", "timbal:index:ConnectorJob", "returns", jobId, "--yes"]);
    assert.match(imported.output, new RegExp(`Timbal's job list gives neither its KB's numeric id nor its source table: add \`${spelling.spell("kbId")}\` and \`${spelling.spell("source")}\``));
    assert.match(imported.output, spelling.printedField("adoptJobId", jobId), "the declaration to paste pins the job");
    assert.match(imported.output, spelling.printedField("connectorId", "warehouse-pg"));
    const posts = count(emu, "POST");

    s.write(s.changed(SLOW, warehouse("returns", "returns", "returns", { adoptJobId: jobId })));
    const preview = await cli.ok(["preview", "--diff"]);
    assert.match(preview.output, /~ timbal:index:ConnectorJob: \(update\)[^]*returns/);
    assert.doesNotMatch(preview.output, /timbal:index:ConnectorJob: \(replace\)/);
    await cli.ok(["up", "--yes"]);
    assert.strictEqual(count(emu, "POST"), posts, "nothing dispatched");
    const returns = (await cli.resources()).returns;
    assert.strictEqual(returns.id, jobId);
    assert.strictEqual(returns.outputs.kbId, 101);
    assert.strictEqual(returns.outputs.source.table, "returns");
}

export async function secretInputStaysSecret(s: ParityStack): Promise<void> {
    const { cli, emu } = s;
    // The plugin accepts secrets (Construct needs it), so the engine no longer marks its outputs secret for it.
    const revision = registerSecret(`rev-${"7".repeat(24)}`);
    await cli.ok(["config", "set", "--secret", "triggerRev", revision]);
    const returns = warehouse("returns", "returns", "returns", { adoptJobId: emu.world.jobs.find((j) => j.destTable === "returns")!.id });
    // Its final status marked secret too (additionalSecretOutputs), and read by the program.
    const secretJob = { ...warehouse("secret_rev", "secret_rev", "orders", { triggers: { rev: { secretConfig: "triggerRev" } }, ...WAITS }), secretOutputs: ["rowsEmitted"] };
    const program = s.changed(SLOW, returns, secretJob);
    s.write({ ...program, outputs: { ...program.outputs, secretRows: ["secret_rev", "rowsEmitted"] } });
    const up = await cli.ok(["up", "--yes"]);
    assert.doesNotMatch(up.output, new RegExp(revision));
    const exported = (await cli.ok(["stack", "export"])).stdout;
    assert.ok(!exported.includes(revision), "no plain text of the secret in state");
    const resources = await cli.resources();
    for (const where of ["inputs", "outputs"] as const) {
        const triggers = resources.secret_rev[where]?.triggers;
        assert.ok(isStoredSecret(triggers), `the job's ${where}' triggers are a secret`);
    }
    assert.strictEqual(resources["secret_rev-completion"].outputs.state, "succeeded");
    for (const name of ["secret_rev", "secret_rev-completion"]) assert.ok(isStoredSecret(resources[name].outputs.rowsEmitted), `${name}'s rowsEmitted is a secret in state`);
    const outputs = JSON.parse((await cli.ok(["stack", "output", "--json"])).stdout);
    assert.strictEqual(outputs.secretRows, "[secret]", "the program's output of it is a secret");
    assert.strictEqual(JSON.parse((await cli.ok(["stack", "output", "--json", "--show-secrets"])).stdout).secretRows, DEFAULT_SEED.tableRows?.orders);
}

export async function destroyForgetsEveryJob({ cli, emu }: ParityStack): Promise<void> {
    const before = emu.requests.length;
    const destroy = await cli.ok(["destroy", "--yes"]);
    assert.match(destroy.output, /removed from the stack\. Timbal has no cancel endpoint/);
    assert.strictEqual(emu.requests.length, before);
    assert.deepStrictEqual(Object.keys(await cli.resources()), []);
}
