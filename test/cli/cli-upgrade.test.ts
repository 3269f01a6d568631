import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { npm, pack } from "../../harness/npm-packages";
import { count, emulator } from "../../harness/fixtures";
import { programIn, type JobDeclaration } from "../../harness/program-text";
import { PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";
import { packagesEntry, pip, typescriptProject, writePythonProgram } from "../../harness/language-projects";
import { pluginTarball, pythonWheel, releasePage, type ReleasePage } from "../../harness/release-artifacts";
import { npmPluginPythonProject, npmPluginYamlProject, upgradeNpmPluginPythonProject, writeNpmPluginYamlProgram } from "../../harness/npm-plugin-projects";

// A stack created by the release before the completion resource existed (its create dispatched and waited in one
// step) upgrades to this code with no re-dispatch: the jobs keep their ids, the waiting ones get a completion that
// finds them finished (or failed, as before), and the preview says only that.

/** The last commit of the released shape; the repository's history must reach it (not a shallow clone). */
const RELEASED_REV = "e132705";
/** The last commit before `dependsOn: [job]` meant "after the job finished". */
const BEFORE_FINISHED_DEPENDS_ON_REV = "3b2d1b4";
/** The last commit whose plugin dispatched and waited in one create (no completion resource): main on 2026-12-04. */
const PLUGIN_WAITED_IN_CREATE_REV = "3496b72";

/** The package as it was at `rev`, built with this repository's toolchain. */
function buildAt(rev: string, work: string): string {
    const dir = path.join(work, `build-${rev}`);
    fs.mkdirSync(dir);
    execFileSync("sh", ["-c", `git -C "${REPO_ROOT}" archive ${rev} | tar -x -C "${dir}"`]);
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
    execFileSync(process.execPath, [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: dir });
    fs.rmSync(path.join(dir, "node_modules"));
    // Every build is version 0.1.0: each tarball in a folder of its own.
    fs.mkdirSync(path.join(work, `tarball-${rev}`));
    return pack(dir, path.join(work, `tarball-${rev}`));
}

/** A stack whose program runs the package as it was at `rev`, ready to deploy; `upgrade()` installs today's package. */
interface OldStack {
    cli: PulumiCli;
    upgrade(): void;
}

async function stackOnPackageAt(rev: string, name: string, program: string, emu: Emulator, binDir: string): Promise<OldStack> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${name}-`));
    const old = buildAt(rev, work);
    const current = pack(REPO_ROOT, work);
    const project = typescriptProject(name, program, { dir: path.join(work, "project"), packages: { "@timbal/pulumi-connector-jobs": old } });
    const cli = await emulatorStack(project, binDir, emu);
    return { cli, upgrade: () => void npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `file:${current}`], project) };
}

const PROGRAM = `import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const job = (name: string, waitForCompletion?: object) =>
    new ConnectorJob(name, {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: name,
        mode: "append",
        source: { kind: "postgres", connectionRef: "warehouse", table: name, cursorColumn: "id" },
        waitForCompletion,
    });
job("orders", { pollIntervalSeconds: 0.2 });
job("broken_table", { pollIntervalSeconds: 0.2 });
job("customers");
`;

describe("upgrading a stack created by the released package", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let stack: OldStack;

    before(async function () {
        const binDir = requirePulumiCli(this);
        emu = await emulator({ speed: 200, failTables: ["broken_table"] });
        stack = await stackOnPackageAt(RELEASED_REV, "acme-upgrade", PROGRAM, emu, binDir);
        cli = stack.cli;
    });

    after(async () => emu?.stop());

    it("the released package deploys: it waits in create, and a failed job stays in the stack", async function () {
        const result = await cli.run(["up", "--yes"]);
        assert.notStrictEqual(result.code, 0, "the failed job fails the up");
        assert.match(result.output, /broken_table.*ended in state "failed"/);
        assert.strictEqual(count(emu, "POST"), 3);
        const resources = await cli.resources();
        assert.strictEqual(resources.orders.outputs.state, "succeeded");
        assert.ok(!Object.keys(resources).some((name) => name.endsWith("-completion")));
    });

    it("after the upgrade, preview shows only the new completions, and up dispatches nothing: the jobs keep their ids", async function () {
        const before = await cli.resources();
        stack.upgrade();

        const preview = await cli.ok(["preview", "--diff"]);
        assert.match(preview.output, /\+ pulumi-nodejs:dynamic\/timbal:ConnectorJobCompletion: \(create\)/);
        assert.doesNotMatch(preview.output, /timbal:ConnectorJob: \((replace|delete)\)/);
        // The job whose wait failed under the released package is resumed with an update, as the engine always does
        // for a resource whose create failed; an update never dispatches. The other jobs do not change.
        const updates = [...preview.output.matchAll(/~ pulumi-nodejs:dynamic\/timbal:ConnectorJob: \(update\)\n\s+\[id=[^\]]+\]\n\s+\[urn=[^\]]+::(\w+)\]/g)].map((m) => m[1]);
        assert.deepStrictEqual(updates, ["broken_table"]);
        assert.match(preview.output, /\+ 2 to create/);

        const result = await cli.run(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 3, "nothing dispatched again");
        // The failed job keeps failing the up, as it did before the upgrade, until it is re-run explicitly.
        assert.notStrictEqual(result.code, 0);
        assert.match(result.output, /broken_table.*ended in state "failed"/);
        const after = await cli.resources();
        for (const name of ["orders", "broken_table", "customers"]) assert.strictEqual(after[name].id, before[name].id, name);
        assert.strictEqual(after["orders-completion"].outputs.state, "succeeded");
        assert.strictEqual(after["orders-completion"].id, before.orders.id);
        assert.strictEqual(after["broken_table-completion"].outputs.state, "failed");
        assert.strictEqual(after.customers.outputs.state, before.customers.outputs.state, "a job that does not wait is left as it was");

        await cli.ok(["refresh", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 3);
    });
});

// A chained stack deployed before `dependsOn: [job]` waited for the job to finish: upgrading changes only the order of
// later dispatches. The preview shows no change and `up` dispatches nothing.
const CHAINED_PROGRAM = `import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

const job = (name: string, table: string, waitForCompletion?: object, dependsOn?: ConnectorJob[]) =>
    new ConnectorJob(name, {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: name,
        mode: "append",
        source: { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "id" },
        waitForCompletion,
    }, { dependsOn });
const stage = job("stage_orders", "orders", { pollIntervalSeconds: 0.2 });
job("orders", "stage_orders", undefined, [stage]);
`;

describe("upgrading a chained stack deployed before dependsOn waited for the job to finish", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let stack: OldStack;

    before(async function () {
        const binDir = requirePulumiCli(this);
        emu = await emulator({ speed: 200 });
        stack = await stackOnPackageAt(BEFORE_FINISHED_DEPENDS_ON_REV, "acme-chained", CHAINED_PROGRAM, emu, binDir);
        cli = stack.cli;
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 2);
    });

    after(async () => emu?.stop());

    it("after the upgrade, the preview shows no change and up dispatches nothing", async function () {
        const before = await cli.resources();
        stack.upgrade();

        const preview = await cli.ok(["preview", "--diff"]);
        assert.doesNotMatch(preview.output, /\((create|replace|delete|update)\)/);

        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 2, "nothing dispatched again");
        const after = await cli.resources();
        for (const name of ["stage_orders", "stage_orders-completion", "orders"]) assert.strictEqual(after[name].id, before[name].id, name);
        // The dependency the engine records is now the one the program means: the staged load's completion.
        assert.ok(
            after.orders.dependencies?.some((urn) => urn.endsWith("::stage_orders-completion")),
            JSON.stringify(after.orders),
        );
    });
});

// A YAML or Python stack deployed by the plugin whose ConnectorJob dispatched and waited in one create (a custom
// resource) upgrades to the plugin that registers the job and a child that waits in its place (Construct): the jobs
// keep their URNs and ids, the waiting ones get a completion that finds them finished (or failed, as before), a
// dependent stays after its dependency, and nothing is dispatched or replaced.
const WAITS = { waitForCompletion: { pollIntervalSeconds: 0.2 } };
const warehouseJob = (name: string, more: Record<string, unknown> = {}, dependsOn?: string): JobDeclaration => ({
    name,
    args: { connectorId: "warehouse-pg", kbId: 101, destTable: name, mode: "append", source: { kind: "postgres", connectionRef: "warehouse", table: name, cursorColumn: "id" }, ...more },
    dependsOn,
});
const PLUGIN_JOBS = [warehouseJob("orders", WAITS), warehouseJob("customers"), warehouseJob("final_orders", {}, "orders")];
/** The stack's program: the failing job comes second (a failure stops the engine's run before what it has not begun). */
const pluginStack = (withFailing: boolean) => ({ jobs: [...PLUGIN_JOBS, ...(withFailing ? [warehouseJob("broken_table", WAITS)] : [])] });

for (const language of ["yaml", "python"] as const) {
    describe(`upgrading a ${language} stack deployed by the plugin that waited in create`, function () {
        this.timeout(600_000);
        let emu: Emulator;
        let cli: PulumiCli;
        let upgrade: () => void;
        let write: (withFailing: boolean) => void;
        let project: string;
        let release: ReleasePage;

        before(async function () {
            const binDir = requirePulumiCli(this, ["nodejs", language]);
            emu = await emulator({ speed: 200, failTables: ["broken_table"] });
            const work = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-upgrade-${language}-`));
            const old = buildAt(PLUGIN_WAITED_IN_CREATE_REV, work);
            const current = pack(REPO_ROOT, work);
            const dir = path.join(work, "project");
            const program = programIn(language, pluginStack(false));
            project = language === "yaml" ? npmPluginYamlProject(dir, "acme-upgrade", old, program) : npmPluginPythonProject(dir, "acme-upgrade", old, program);
            write = (withFailing) => (language === "yaml" ? writeNpmPluginYamlProgram(project, "acme-upgrade", programIn(language, pluginStack(withFailing))) : writePythonProgram(project, programIn(language, pluginStack(withFailing))));
            upgrade = () => (language === "yaml" ? void npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `file:${current}`], project) : upgradeNpmPluginPythonProject(project, current));
            release = await releasePage([await pluginTarball()]);
            cli = await emulatorStack(project, binDir, emu, { env: release.env });
        });

        after(async () => {
            await emu?.stop();
            await release?.stop();
        });

        it("the plugin that waited in create deploys: a failed job stays in the stack, no completion exists", async function () {
            await cli.ok(["up", "--yes"]);
            write(true);
            const result = await cli.run(["up", "--yes"]);
            assert.notStrictEqual(result.code, 0, "the failed job fails the up");
            assert.match(result.output, /broken_table.*ended in state "failed"/);
            assert.strictEqual(count(emu, "POST"), 4);
            const resources = await cli.resources();
            assert.strictEqual(resources.orders.outputs.state, "succeeded");
            assert.ok(!Object.keys(resources).some((name) => name.endsWith("-completion")));
        });

        it("after the upgrade, preview shows only the new completions (and resumes the failed job), and up dispatches nothing", async function () {
            const before = await cli.resources();
            upgrade();

            const preview = await cli.ok(["preview", "--diff"]);
            assert.doesNotMatch(preview.output, /timbal:index:ConnectorJob: \((replace|delete|create)\)/);
            const created = [...preview.output.matchAll(/\+ timbal:index:ConnectorJobCompletion: \(create\)\n\s+\[urn=[^\]]+::([\w-]+)\]/g)].map((m) => m[1]);
            assert.deepStrictEqual(created.sort(), ["broken_table-completion", "orders-completion"]);
            const updates = [...preview.output.matchAll(/~ timbal:index:ConnectorJob: \(update\)\n\s+\[id=[^\]]+\]\n\s+\[urn=[^\]]+::(\w+)\]/g)].map((m) => m[1]);
            assert.deepStrictEqual(updates, ["broken_table"], "the job whose wait failed is resumed with an update, which never dispatches");

            const result = await cli.run(["up", "--yes"]);
            assert.strictEqual(count(emu, "POST"), 4, "nothing dispatched again");
            assert.notStrictEqual(result.code, 0, "the failed job keeps failing the up, as before the upgrade");
            assert.match(result.output, /broken_table.*ended in state "failed"/);
            const after = await cli.resources();
            for (const name of ["orders", "broken_table", "customers", "final_orders"]) {
                assert.strictEqual(after[name].id, before[name].id, name);
                assert.strictEqual(after[name].urn, before[name].urn, name);
            }
            assert.strictEqual(after["orders-completion"].outputs.state, "succeeded");
            assert.strictEqual(after["broken_table-completion"].outputs.state, "failed");
            assert.strictEqual(after.customers.outputs.state, before.customers.outputs.state, "a job that does not wait is left as it was");
        });

        it("then installed as the README's Install says (the released plugin; YAML: the packages entry, Python: the wheel): no job replaced, nothing dispatched", async function () {
            const before = await cli.resources();
            const projectFile = path.join(project, "Pulumi.yaml");
            const withNpmPlugin = fs.readFileSync(projectFile, "utf8");
            const withoutNpmPlugin = withNpmPlugin.replace(/plugins:\n  providers:\n    - name: timbal\n      path: .*\n/, "");
            assert.notStrictEqual(withoutNpmPlugin, withNpmPlugin, "the npm package's plugin is named no more");
            fs.writeFileSync(projectFile, language === "yaml" ? withoutNpmPlugin.replace("runtime: yaml\n", `runtime: yaml\n${packagesEntry()}`) : withoutNpmPlugin);
            if (language === "python") pip(/virtualenv: (.+)/.exec(withoutNpmPlugin)![1], ["--force-reinstall", "--no-deps", pythonWheel()]);
            await cli.ok(["install"]);
            assert.strictEqual(release.downloads.length, 1, "the plugin from the release page");

            const preview = await cli.ok(["preview", "--diff"]);
            assert.doesNotMatch(preview.output, /timbal:index:ConnectorJob(Completion)?: \((replace|delete|create)\)/);
            const result = await cli.run(["up", "--yes"]);
            assert.strictEqual(count(emu, "POST"), 4, "nothing dispatched again");
            assert.match(result.output, /broken_table.*ended in state "failed"/, "the failed job fails the up as before");
            const after = await cli.resources();
            for (const name of ["orders", "broken_table", "customers", "final_orders", "orders-completion"]) assert.strictEqual(after[name].urn, before[name].urn, name);
            for (const name of ["orders", "broken_table", "customers", "final_orders"]) assert.strictEqual(after[name].id, before[name].id, name);
        });
    });
}
