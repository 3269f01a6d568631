import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { initEmulatorStack, upDispatchesAfterTheWait } from "../../harness/cli-stack";
import { npm, pack, sdkVersion } from "../../harness/npm-packages";
import { count, emulator } from "../../harness/fixtures";
import { pythonProject } from "../../harness/language-projects";
import { artifactName, packageVersion } from "../../harness/plugin-artifact";
import { programIn, type JobDeclaration, type Language } from "../../harness/program-text";
import { AS_A_USER, PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";
import { readmeBlock, runAsTyped } from "../../harness/readme-blocks";
import { pluginTarball, pythonWheel, releasePage, type ReleasePage } from "../../harness/release-artifacts";
import { SDK_DIRS } from "../../harness/generated-sdks";

// Installed as Pulumi users install providers: the plugin with Pulumi's own commands (`pulumi plugin install --file`
// and `--server`, `pulumi install`, `pulumi up` fetching it itself, `pulumi package add`), the SDKs with each
// language's tool from this checkout, as the README's routes until a release is published say (its install commands
// and programs run word for word; the by-name commands are release-rehearsal.test.ts's). A local server stands in for the
// release page (the schema's pluginDownloadURL, redirected by PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES). Each project has
// a PULUMI_HOME of its own: no plugin is there before its first install.

const ORDERS: JobDeclaration = {
    name: "orders",
    args: { connectorId: "warehouse-pg", kbId: 101, destTable: "orders", mode: "append", source: { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "id" } },
};

describe("installed as Pulumi users install providers (real CLI, the release page served locally)", function () {
    this.timeout(600_000);
    let binDir: string;
    let emu: Emulator;
    let release: ReleasePage;
    let tarball: string;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-install-"));

    before(async function () {
        binDir = requirePulumiCli(this, ["nodejs", "yaml", "python", "go"]);
        emu = await emulator();
        tarball = await pluginTarball();
        release = await releasePage([tarball]);
    });

    after(async () => {
        await emu?.stop();
        await release?.stop();
    });

    /** A project folder `name` with `files`, and a CLI on it (a PULUMI_HOME of its own) that reaches the release page. */
    function project(name: string, files: Record<string, string>, env: NodeJS.ProcessEnv = {}): PulumiCli {
        const dir = path.join(work, name);
        fs.mkdirSync(dir, { recursive: true });
        for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
        return new PulumiCli(dir, binDir, { TIMBAL_API_KEY: emu.apiKey, ...release.env, ...env }, AS_A_USER);
    }

    const installedPlugin = (cli: PulumiCli) => path.join(cli.environment().PULUMI_HOME!, "plugins", `resource-timbal-v${packageVersion()}`, "pulumi-resource-timbal");

    it("pulumi plugin install --file <the tarball>: one executable in the plugin cache; a YAML program's up runs it, fetching nothing", async function () {
        // Automatic acquisition on, as a user has it: the up could fetch the plugin, and must not need to.
        const cli = project(
            "plugin-file",
            { "Pulumi.yaml": `name: from-file\nruntime: yaml\n${readmeBlock("### YAML", "yaml")}${programIn("yaml", { jobs: [ORDERS] })}` },
            { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: undefined },
        );
        await cli.ok(["plugin", "install", "resource", "timbal", `v${packageVersion()}`, "--file", tarball]);
        assert.ok(fs.statSync(installedPlugin(cli)).mode & 0o111, "the plugin is an executable");
        assert.deepStrictEqual(fs.readdirSync(path.dirname(installedPlugin(cli))), ["pulumi-resource-timbal"], "nothing else: no node_modules, no npm");
        await initEmulatorStack(cli, emu);
        const posts = count(emu, "POST");
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), posts + 1);
        assert.strictEqual(release.downloads.length, 0, "nothing fetched from the release page");
    });

    it("pulumi plugin install --server <the release page>: the tarball fetched by its name, installed", async function () {
        const cli = project("plugin-server", { "Pulumi.yaml": "name: from-server\nruntime: yaml\n" });
        await cli.ok(["plugin", "install", "resource", "timbal", `v${packageVersion()}`, "--server", release.url]);
        assert.deepStrictEqual(release.downloads, [`/${artifactName()}`]);
        assert.match((await cli.ok(["plugin", "ls"])).output, new RegExp(`timbal\\s+resource\\s+${packageVersion().replace(/\./g, "\\.")}`));
        release.downloads.length = 0;
    });

    it("Python, until the SDK is on PyPI: the README's requirements naming the wheel by its path, and its program, word for word; pulumi install fetches the plugin the wheel's SDK names", async function () {
        const cli = project("readme-python", {
            "Pulumi.yaml": readmeBlock("## Use from Python", "yaml", "# Pulumi.yaml"),
            "requirements.txt": readmeBlock("### Python", "text", "# requirements.txt, until the SDK is on PyPI"),
            "__main__.py": readmeBlock("## Use from Python", "python", "# __main__.py"),
        });
        // The wheel, downloaded from the release page into the project's folder.
        fs.copyFileSync(pythonWheel(), path.join(cli.projectDir, path.basename(pythonWheel())));
        assert.strictEqual(readmeBlock("## Use from Python", "bash"), readmeBlock("### Python", "bash"), "one set of commands in both sections");
        await runAsTyped(cli, readmeBlock("### Python", "bash"));
        assert.strictEqual(release.downloads.length, 1, "pulumi install fetched the plugin");
        await initEmulatorStack(cli, emu);
        await upDispatchesAfterTheWait(cli, emu);
    });

    it("Go, until the SDK's tag exists: the README's install commands and program, word for word (the SDK module beside the project, as a clone)", async function () {
        const cli = project("go/readme-go", { "Pulumi.yaml": "name: readme-go\nruntime: go\n", "main.go": readmeBlock("## Use from Go", "go", "// main.go") });
        // A clone of this repository beside the project: its sdk/go is what the README's `replace` points at.
        fs.cpSync(SDK_DIRS.go, path.join(work, "go", "pulumi-timbal", "sdk", "go"), { recursive: true });
        execFileSync("go", ["mod", "init", "readme-go"], { cwd: cli.projectDir, stdio: "ignore" });
        release.downloads.length = 0;
        await runAsTyped(cli, readmeBlock("### Go", "bash", "# until the Go SDK's tag exists"));
        assert.strictEqual(release.downloads.length, 1, "pulumi install fetched the plugin");
        await initEmulatorStack(cli, emu);
        await upDispatchesAfterTheWait(cli, emu);
    });

    it("YAML: the README's program, with its packages entry, word for word; pulumi install fetches the plugin", async function () {
        const program = readmeBlock("## Use from YAML", "yaml", "name: extractions");
        assert.ok(program.includes(readmeBlock("### YAML", "yaml")), "the program names the plugin as Install says");
        const cli = project("readme-yaml", { "Pulumi.yaml": `name: extractions\n${program}` });
        release.downloads.length = 0;
        await cli.ok(["install"]);
        assert.strictEqual(release.downloads.length, 1);
        await initEmulatorStack(cli, emu);
        const posts = count(emu, "POST");
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), posts + 1);
    });

    it("pulumi up fetches the plugin itself when it is missing (a Python program, no pulumi install)", async function () {
        pythonProject(path.join(work, "automatic"), "automatic", programIn("python", { jobs: [ORDERS] }));
        const cli = project("automatic", {}, { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: undefined });
        release.downloads.length = 0;
        await initEmulatorStack(cli, emu);
        const posts = count(emu, "POST");
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(release.downloads.length, 1, "the engine fetched the plugin the SDK names");
        assert.strictEqual(count(emu, "POST"), posts + 1);
    });

    /** A project of `language` for `pulumi package add`: Pulumi.yaml with the README's packages entry, and a program of one job. */
    function packageAddProject(language: Exclude<Language, "typescript">): PulumiCli {
        const entry = readmeBlock("### YAML", "yaml");
        const name = `package-add-${language}`;
        const files: Record<Exclude<Language, "typescript">, Record<string, string>> = {
            yaml: { "Pulumi.yaml": `name: ${name}\nruntime: yaml\n${entry}${programIn("yaml", { jobs: [ORDERS] })}` },
            python: {
                "Pulumi.yaml": `name: ${name}\nruntime:\n  name: python\n  options: { toolchain: pip, virtualenv: venv }\n${entry}`,
                "requirements.txt": "pulumi>=3.231.0,<4.0.0\n",
                "__main__.py": programIn("python", { jobs: [ORDERS] }),
            },
            go: {
                "Pulumi.yaml": `name: ${name}\nruntime: go\n${entry}`,
                "go.mod": `module ${name}\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v3.256.0\n`,
                "main.go": programIn("go", { jobs: [ORDERS] }),
            },
        };
        return project(name, files[language]);
    }

    async function upDispatchesOne(cli: PulumiCli): Promise<void> {
        await initEmulatorStack(cli, emu);
        const posts = count(emu, "POST");
        await cli.ok(["up", "--yes"]);
        assert.strictEqual(count(emu, "POST"), posts + 1);
    }

    for (const language of ["python", "go", "yaml"] as const) {
        it(`pulumi package add, in a ${language} project, as the README says: the SDK generated and linked, then pulumi install and up`, async function () {
            const cli = packageAddProject(language);
            await runAsTyped(cli, readmeBlock("### `pulumi package add`, in any language", "bash").replace(/^pulumi up\n/m, ""));
            assert.ok(fs.existsSync(path.join(cli.projectDir, "sdks", "timbal")), "the SDK generated in sdks/timbal");
            // Linked with the language's own tool (YAML needs no SDK: its host reads the schema).
            const linked = { python: ["requirements.txt", /sdks\/timbal/], go: ["go.mod", /=> \.\/sdks\/timbal/] } as const;
            if (language !== "yaml") assert.match(fs.readFileSync(path.join(cli.projectDir, linked[language][0]), "utf8"), linked[language][1]);
            await upDispatchesOne(cli);
        });
    }

    it("pulumi package add with the npm package's executable (a link to it, as the README says), in a TypeScript project: the SDK @timbal/pulumi-timbal; with the packages entry written back, pulumi install and up", async function () {
        const cli = project("package-add-typescript", {
            "Pulumi.yaml": `name: package-add-typescript\nruntime: nodejs\n`,
            "package.json": JSON.stringify({ name: "package-add-typescript", private: true, main: "index.ts", dependencies: {} }),
            "index.ts": `import * as timbal from "@timbal/pulumi-timbal";\nconst job = new timbal.ConnectorJob("orders", ${JSON.stringify(ORDERS.args)});\nexport const jobId = job.jobId;\n`,
        });
        npm(["install", "--prefer-offline", "--no-audit", "--no-fund", `@pulumi/pulumi@${sdkVersion()}`, `file:${pack(REPO_ROOT, work)}`], cli.projectDir);
        await runAsTyped(cli, readmeBlock("### `pulumi package add`, in any language", "bash", "# the npm package's plugin"));
        const recorded = fs.readFileSync(path.join(cli.projectDir, "Pulumi.yaml"), "utf8");
        assert.ok(recorded.includes(`timbal: timbal@${packageVersion()}`), "Pulumi records the package by name and version, as the README says");
        assert.match(fs.readFileSync(path.join(cli.projectDir, "package.json"), "utf8"), /"@timbal\/pulumi-timbal": ?"file:sdks\/timbal"/);
        fs.writeFileSync(path.join(cli.projectDir, "Pulumi.yaml"), `${recorded.replace(/packages:\n.*\n/, "")}${readmeBlock("### YAML", "yaml")}`);
        release.downloads.length = 0;
        await cli.ok(["install"]);
        assert.strictEqual(release.downloads.length, 1);
        await upDispatchesOne(cli);
    });
});
