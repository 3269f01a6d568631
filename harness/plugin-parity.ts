import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_SEED, type Emulator } from "../emulator";
import { pascalCase, snakeCase } from "../provider/fields/field-spelling";
import { count, emulator, ORG } from "./fixtures";
import { processesMarked, startCli } from "./interrupt";
import { goProject, pythonProject, writeGoProgram, writePythonProgram, writeYamlProgram, yamlProject } from "./language-projects";
import { programIn, type JobDeclaration, type StackProgram } from "./program-text";
import { PulumiCli, requirePulumiCli, writeStackConfig, type LanguageHost } from "./pulumi-cli";
import { pluginTarball, releasePage, type ReleasePage } from "./release-artifacts";
import { registerSecret } from "./secret-guard";

// The parity suite of a language served by the timbal provider plugin (YAML, Python, Go): a program through the real
// CLI and Pulumi's own language host, installed as a user of that language installs it (the plugin by `pulumi install`
// from the release page, served locally; the SDK by the language's own tool), against the emulator. The same
// behaviour as a TypeScript program on the dynamic provider, and what only the plugin does (the first Ctrl-C ends a
// wait; progress on the job's own row). One suite, one program description (program-text.ts), written in each
// language.

export type PluginLanguage = "yaml" | "python" | "go";

interface LanguageSetup {
    title: string;
    hosts: LanguageHost[];
    /** The project in `dir` running `program`, before `pulumi install`. */
    project(dir: string, program: string): string;
    write(dir: string, program: string): void;
    /** A field path as the language's programs spell it (`source.connectionRef`, `source.connection_ref`, `Source.ConnectionRef`). */
    spell(path: string): string;
    /** What a preview says of a misspelt `source.connectionRef` (`conectionRef`). */
    misspelt: RegExp;
    /** How the declaration `pulumi import` prints gives a field its text value. */
    printedField(name: string, value: string): RegExp;
}

const NAME = "plugin-extractions";

const LANGUAGES: Record<PluginLanguage, LanguageSetup> = {
    yaml: {
        title: "a YAML program on the timbal provider plugin (real CLI, YAML language host)",
        hosts: ["yaml"],
        project: (dir, program) => yamlProject(dir, NAME, program),
        write: (dir, program) => writeYamlProgram(dir, NAME, program),
        spell: (path) => path,
        // The YAML host checks the program against the schema.
        misspelt: /connectionRef: Missing required property 'connectionRef'/,
        printedField: (name, value) => new RegExp(`${name}: ${value}`),
    },
    python: {
        title: "a Python program on the timbal provider plugin (real CLI, Python language host, SDK wheel from pip)",
        hosts: ["python"],
        project: (dir, program) => pythonProject(dir, NAME, program),
        write: (dir, program) => writePythonProgram(dir, program),
        spell: (path) => path.split(".").map(snakeCase).join("."),
        // A dict reaches the provider as written: the provider names it.
        misspelt: /source\.conection_ref: is not a ConnectorJob input\. Did you mean "connection_ref"\? Allowed here: kind, connection_ref, table, cursor_column/,
        printedField: (name, value) => new RegExp(`${snakeCase(name)}="${value}"`),
    },
    go: {
        title: "a Go program on the timbal provider plugin (real CLI, Go language host, SDK module from sdk/go)",
        hosts: ["go"],
        project: (dir, program) => goProject(dir, NAME, program),
        write: (dir, program) => writeGoProgram(dir, program),
        spell: (path) => path.split(".").map(pascalCase).join("."),
        // Go's compiler names it, before anything runs.
        misspelt: /unknown field ConectionRef in struct literal of type timbal\.ConnectorJobSourceArgs/,
        printedField: (name, value) => new RegExp(`${pascalCase(name)}: +pulumi\\.String\\("${value}"\\)`),
    },
};

/** A warehouse table's job; `more` adds or overrides inputs. */
function warehouse(name: string, destTable: string, table: string, more: Record<string, unknown> = {}, options: Partial<JobDeclaration> = {}): JobDeclaration {
    const source = { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "id" };
    return { name, args: { connectorId: "warehouse-pg", kbId: 101, destTable, mode: "append", source, ...more }, ...options };
}

const WAITS = { waitForCompletion: { pollIntervalSeconds: 0.25 } };

/**
 * The program: a job, a staged load and the load that depends on it, and a ledger in another org, through a provider
 * of its own (an explicit provider reads none of the stack's `timbal:` settings: it names its endpoint too).
 */
function stack(baseUrl: string, options: { ordersTable?: string; finalTriggers?: number; more?: JobDeclaration[] } = {}): StackProgram {
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

/** When each job's dispatch arrived (accepted POSTs in the request log, in order), by destination table. */
function postedAt(emu: Emulator, destTable: string): number {
    const posts = emu.requests.filter((r) => r.method === "POST" && r.status === 202);
    const index = emu.world.jobs.findIndex((j) => j.destTable === destTable);
    assert.ok(index >= 0, `${destTable} was dispatched`);
    return posts[index].at;
}

export function pluginParitySuite(language: PluginLanguage): void {
    const setup = LANGUAGES[language];
    describe(setup.title, function () {
        this.timeout(600_000);
        let emu: Emulator;
        let cli: PulumiCli;
        let project: string;
        let work: string;
        let release: ReleasePage;
        const devKey = registerSecret(`tmbl_dev_${"d".repeat(24)}`);
        const prodKey = registerSecret(`tmbl_prod_${"p".repeat(24)}`);
        const write = (program: StackProgram) => setup.write(project, programIn(language, program));
        /** The program after the change under review (orders re-pointed, final re-triggered), with `more` jobs. */
        const changed = (...more: JobDeclaration[]) => stack(emu.url, { ordersTable: "orders_v2", finalTriggers: 2, more });

        before(async function () {
            const binDir = requirePulumiCli(this, setup.hosts);
            // Each key reaches one org only: the ledger is dispatched with the explicit provider's key, or refused.
            emu = await emulator({
                keys: { [devKey]: ["acme-dev"], [prodKey]: ["acme-prod"] },
                failTables: ["broken_source"],
                seed: { ...DEFAULT_SEED, tableRows: { ...DEFAULT_SEED.tableRows, small_source: 1000, slow_source: 60000, broken_source: 1000 } },
            });
            work = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${language}-`));
            release = await releasePage(await pluginTarball());
            project = setup.project(path.join(work, "project"), programIn(language, stack(emu.url)));
            cli = new PulumiCli(project, binDir, release.env);
            // A user's first command: it fetches the plugin the program's SDK (YAML: Pulumi.yaml) names.
            await cli.ok(["install"]);
            assert.strictEqual(release.downloads.length, 1, "pulumi install fetched the plugin from the release page");
            await cli.ok(["stack", "init", "dev"]);
            writeStackConfig(path.join(project, `Pulumi.dev.yaml`), { "timbal:orgId": ORG, "timbal:baseUrl": emu.url });
        });

        after(async () => {
            await emu?.stop();
            await release?.stop();
        });

        it("preview fails without an API key, saying how to set it, and sends nothing", async function () {
            await cli.ok(["config", "set", "--secret", "prodKey", prodKey]);
            const preview = await cli.run(["preview"]);
            assert.notStrictEqual(preview.code, 0);
            assert.match(preview.output, /no Timbal API key is configured\. Set it with `pulumi config set --secret timbal:apiKey <key>`/);
            assert.strictEqual(emu.requests.length, 0);
        });

        it("check names each bad value's field as the program spells it, with the fix, and sends nothing", async function () {
            await cli.ok(["config", "set", "--secret", "timbal:apiKey", devKey]);
            const source = { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "" };
            write(stack(emu.url, { more: [warehouse("bad", "bad", "orders", { kbId: 0, source, waitForCompletion: { timeoutSeconds: -1 } })] }));
            const preview = await cli.run(["preview"]);
            assert.notStrictEqual(preview.code, 0);
            const { spell } = setup;
            const quote = (text: string) => text.replace(/[.?]/g, "\\$&");
            assert.match(preview.output, new RegExp(quote(`${spell("kbId")}: must be an integer >= 1`)));
            assert.match(preview.output, new RegExp(quote(`${spell("source.cursorColumn")}: must not be empty`)));
            assert.match(preview.output, new RegExp(quote(`${spell("waitForCompletion.timeoutSeconds")}: must be more than 0 seconds`)));
            if (language !== "yaml") assert.doesNotMatch(preview.output, /kbId|cursorColumn|timeoutSeconds/, "no field in the declarations' camelCase");
            assert.strictEqual(emu.requests.length, 0);
        });

        it("a misspelt field is named with the right spelling: by the YAML host (its schema check), the provider (Python: a dict reaches it as written) or Go's compiler", async function () {
            const misspelt = { kind: "postgres", conectionRef: "warehouse", table: "orders", cursorColumn: "id" };
            write(stack(emu.url, { more: [warehouse("bad", "bad", "orders", { source: misspelt })] }));
            const preview = await cli.run(["preview"]);
            assert.notStrictEqual(preview.code, 0);
            assert.match(preview.output, setup.misspelt);
            assert.strictEqual(emu.requests.length, 0);
            write(stack(emu.url));
        });

        it("with the key in the stack's config (a secret), preview shows the jobs and sends nothing", async function () {
            const preview = await cli.ok(["preview"]);
            assert.match(preview.output, /\+ 7 to create/, "each job, the completion that waits for stage, the stack and the explicit provider");
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
        });

        it("a second up changes nothing and sends nothing", async function () {
            const before = emu.requests.length;
            const up = await cli.ok(["up", "--yes"]);
            assert.match(up.output, /7 unchanged/);
            assert.strictEqual(emu.requests.length, before);
        });

        it("preview names the fields that re-dispatch (replaceReasons), sending nothing; up re-dispatches those jobs once", async function () {
            write(changed());
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
            // Without --skip-preview the CLI refreshes twice, in a preview and then for real, each in a provider process
            // of its own: each reads the list once.
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

        it("adoptJobId records a job dispatched elsewhere instead of dispatching", async function () {
            const jobId = await dispatchByHand("invoices");
            write(changed(warehouse("invoices", "invoices", "invoices", { adoptJobId: jobId })));
            await cli.ok(["up", "--yes"]);
            assert.strictEqual(count(emu, "POST"), 7, "only the hand-made dispatch");
            assert.strictEqual((await cli.resources()).invoices.id, jobId);
        });

        it("a failed job fails the up with its own message and stays; the next up waits on it again and dispatches nothing", async function () {
            write(changed(warehouse("broken", "broken", "broken_source", WAITS)));
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

        const slow = warehouse("slow", "slow", "slow_source", WAITS);

        it("the first Ctrl-C ends a wait within 5 s, the job stays recorded, and the next up resumes the wait without dispatching", async function () {
            write(changed(slow));
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
        });

        it("a runner killed (SIGKILL) while a job waits: a new runner's plain up dispatches nothing again, waits for the job, then dispatches its dependent", async function () {
            // A fresh copy of the project, the plugin installed again (`pulumi install`), a new PULUMI_HOME and HOME
            // (no dispatch journal): only the backend and the stack's config files are the killed runner's. (Python:
            // the virtualenv is shared by the run's projects; it holds no state of this package.)
            const waiting = warehouse("slow_again", "slow_again", "slow_source", WAITS);
            const dependent = warehouse("after_slow", "after_slow", "small_source", {}, { dependsOn: "slow_again" });
            const program = changed(slow, waiting, dependent);
            write(program);
            const running = startCli(cli, ["up", "--yes"]);
            await running.waitFor(/slow_again\S* creating \([\d.]+s\) timbal: job job_\w+[^\n]*running/);
            running.killGroup();
            await running.exited;
            for (const pid of processesMarked(running.mark).keys()) process.kill(pid, "SIGKILL");
            const jobsOf = (table: string) => emu.world.jobs.filter((j) => j.destTable === table);
            assert.strictEqual(jobsOf("slow_again").length, 1);
            assert.strictEqual(jobsOf("after_slow").length, 0, "the dependent waits for its dependency to finish");
            const posts = count(emu, "POST");

            const freshProject = setup.project(fs.mkdtempSync(path.join(work, "runner-")), programIn(language, program));
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
        });

        it("pulumi import records a job by its id, the declaration it prints pinned with adoptJobId; once the program adds kbId and source, up dispatches nothing", async function () {
            const jobId = await dispatchByHand("returns");
            const imported = await cli.ok(["import", "timbal:index:ConnectorJob", "returns", jobId, "--yes"]);
            assert.match(imported.output, new RegExp(`Timbal's job list gives neither its KB's numeric id nor its source table: add \`${setup.spell("kbId")}\` and \`${setup.spell("source")}\``));
            assert.match(imported.output, setup.printedField("adoptJobId", jobId), "the declaration to paste pins the job");
            assert.match(imported.output, setup.printedField("connectorId", "warehouse-pg"));
            const posts = count(emu, "POST");

            write(changed(slow, warehouse("returns", "returns", "returns", { adoptJobId: jobId })));
            const preview = await cli.ok(["preview", "--diff"]);
            assert.match(preview.output, /~ timbal:index:ConnectorJob: \(update\)[^]*returns/);
            assert.doesNotMatch(preview.output, /timbal:index:ConnectorJob: \(replace\)/);
            await cli.ok(["up", "--yes"]);
            assert.strictEqual(count(emu, "POST"), posts, "nothing dispatched");
            const returns = (await cli.resources()).returns;
            assert.strictEqual(returns.id, jobId);
            assert.strictEqual(returns.outputs.kbId, 101);
            assert.strictEqual(returns.outputs.source.table, "returns");
        });

        it("a secret input stays secret: in state, in what the program reads, never in plain text", async function () {
            // The plugin accepts secrets (Construct needs it), so the engine no longer marks its outputs secret for it.
            const revision = registerSecret(`rev-${"7".repeat(24)}`);
            await cli.ok(["config", "set", "--secret", "triggerRev", revision]);
            const returns = warehouse("returns", "returns", "returns", { adoptJobId: emu.world.jobs.find((j) => j.destTable === "returns")!.id });
            const secretJob = warehouse("secret_rev", "secret_rev", "orders", { triggers: { rev: { secretConfig: "triggerRev" } }, ...WAITS });
            write(changed(slow, returns, secretJob));
            const up = await cli.ok(["up", "--yes"]);
            assert.doesNotMatch(up.output, new RegExp(revision));
            const exported = (await cli.ok(["stack", "export"])).stdout;
            assert.ok(!exported.includes(revision), "no plain text of the secret in state");
            const resources = await cli.resources();
            for (const where of ["inputs", "outputs"] as const) {
                const triggers = resources.secret_rev[where]?.triggers;
                assert.strictEqual(triggers?.["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", `the job's ${where}' triggers are a secret`);
            }
            assert.strictEqual(resources["secret_rev-completion"].outputs.state, "succeeded");
        });

        it("destroy forgets every job and sends nothing", async function () {
            const before = emu.requests.length;
            const destroy = await cli.ok(["destroy", "--yes"]);
            assert.match(destroy.output, /removed from the stack\. Timbal has no cancel endpoint/);
            assert.strictEqual(emu.requests.length, before);
            assert.deepStrictEqual(Object.keys(await cli.resources()), []);
        });
    });
}
