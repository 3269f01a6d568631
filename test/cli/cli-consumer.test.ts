import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulatorStack } from "../../harness/cli-stack";
import { typescriptProject } from "../../harness/language-projects";
import { installedCopies, npm, pack, sdkVersion } from "../../harness/npm-packages";
import { count, emulator } from "../../harness/fixtures";
import { AS_A_USER, PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";
import { packageVersion } from "../../harness/plugin-artifact";
import { REPO_ROOT } from "../../harness/repo-root";

// As a new user would: a project outside this repository installs the package from `npm pack` and deploys with the
// real CLI, its commands as the user types them (the program type-checked against the installed package's types).
// This proves the serialized provider resolves its modules in a user's project. Then the package is
// upgraded under existing resources: refresh and destroy run with the provider text stored in state.

const UPGRADE_MARKER = "[upgraded build]";

/** A second build of the package: new version, changed provider code (shim and runtime). */
function changedBuild(tarball: string, work: string): string {
    const dir = path.join(work, "changed");
    fs.mkdirSync(dir);
    execFileSync("tar", ["xzf", tarball, "-C", dir, "--strip-components=1"]);
    const edit = (file: string, from: string, to: string) => {
        const text = fs.readFileSync(path.join(dir, file), "utf8");
        assert.ok(text.includes(from), `${file} no longer contains ${from}`);
        fs.writeFileSync(path.join(dir, file), text.replace(from, to));
    };
    edit("package.json", `"version": "${packageVersion()}"`, '"version": "999.0.0"');
    edit("dist/provider/host/forward-to-host.js", "(req) => load().configure(req)", "(req) => /* 999.0.0 */ load().configure(req)");
    edit("dist/provider/lifecycle/connector-job-lifecycle.js", "removed from the stack.", `removed from the stack ${UPGRADE_MARKER}.`);
    return pack(dir, work);
}

const PROGRAM = `import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

for (const table of ["orders", "customers"]) {
    new ConnectorJob(table, {
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable: table,
        source: { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "id" },
    });
}
`;

describe("a consumer project installing the packed package", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let cli: PulumiCli;
    let project: string;
    let upgraded: string;

    before(async function () {
        const binDir = requirePulumiCli(this);
        emu = await emulator();
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-consumer-"));
        const original = pack(REPO_ROOT, work);
        upgraded = changedBuild(original, work);

        project = typescriptProject("acme-extractions", PROGRAM, { dir: path.join(work, "project"), packages: { "@timbal/pulumi-connector-jobs": original } });

        cli = await emulatorStack(project, binDir, emu, { cli: AS_A_USER });
    });

    after(async function () {
        await emu?.stop();
    });

    it(`installs next to the project's own @pulumi/pulumi (${sdkVersion()}, on Node ${process.versions.node}): one copy of it`, function () {
        const copies = installedCopies(project, "@pulumi/pulumi");
        assert.deepStrictEqual(copies, [path.join(project, "node_modules", "@pulumi", "pulumi")], `copies: ${copies.join(", ")}`);
        const installed = JSON.parse(fs.readFileSync(path.join(copies[0], "package.json"), "utf8"));
        assert.strictEqual(installed.version, sdkVersion());
    });

    it("its timbal-emulator bin runs from the project (npx timbal-emulator --help)", function () {
        const help = execFileSync("npx", ["--no-install", "timbal-emulator", "--help"], { cwd: project, encoding: "utf8" });
        assert.match(help, /^Usage: timbal-emulator \[options\]/);
    });

    it("8. preview dispatches nothing and lists both jobs", async function () {
        const { output } = await cli.ok(["preview"]);
        assert.match(output, /\+ +pulumi-nodejs:dynamic\/timbal:ConnectorJob orders create/);
        assert.match(output, /\+ +pulumi-nodejs:dynamic\/timbal:ConnectorJob customers create/);
        assert.strictEqual(count(emu, "POST"), 0);
    });

    it("8. up dispatches each job once, through the package installed from the tarball", async function () {
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), 2);
        const resources = await cli.resources();
        assert.strictEqual(resources.orders.outputs.state, "dispatched", "create records the job as soon as it is dispatched");
        assert.ok(!fs.lstatSync(path.join(project, "node_modules", "@timbal", "pulumi-connector-jobs")).isSymbolicLink());
    });

    it("each job's state stays small: __provider is one require of the installed package (<= 600 B), a job <= 3.5 KB", async function () {
        const exported = JSON.parse((await cli.ok(["stack", "export"])).stdout).deployment.resources;
        const jobs = exported.filter((r: { type: string }) => r.type === "pulumi-nodejs:dynamic/timbal:ConnectorJob");
        assert.strictEqual(jobs.length, 2);
        for (const job of jobs) {
            const provider: string = job.outputs.__provider;
            assert.match(provider, /require\("@timbal\/pulumi-connector-jobs\/connector-job-provider"\)/);
            assert.ok(Buffer.byteLength(provider) <= 600, `__provider is ${Buffer.byteLength(provider)} B:\n${provider}`);
            assert.strictEqual(job.inputs.__provider, provider);
            const bytes = Buffer.byteLength(JSON.stringify(job));
            assert.ok(bytes <= 3.5 * 1024, `a job's state is ${bytes} B`);
        }
    });

    it("9. after an upgrade of the package, refresh and destroy succeed and run the installed code", async function () {
        const storedProvider = (await cli.resources()).orders.outputs.__provider;
        npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `file:${upgraded}`], project);
        const installed = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "@timbal", "pulumi-connector-jobs", "package.json"), "utf8"));
        assert.strictEqual(installed.version, "999.0.0");

        emu.world.advance(24 * 3600 * 1000);
        await cli.ok(["refresh", "--yes"]);
        const refreshed = (await cli.resources()).orders.outputs;
        assert.strictEqual(refreshed.state, "succeeded");
        assert.strictEqual(refreshed.__provider, storedProvider, "refresh ran with the provider text stored in state");

        const { output } = await cli.ok(["destroy", "--yes"]);
        assert.match(output, /- 3 deleted/); // two jobs and the stack
        assert.ok(output.includes(UPGRADE_MARKER), "delete ran the upgraded package's code");
        assert.strictEqual(count(emu, "POST"), 2);
    });
});
