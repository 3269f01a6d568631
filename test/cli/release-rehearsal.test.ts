import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { initEmulatorStack, upDispatchesAfterTheWait } from "../../harness/cli-stack";
import { count, emulator } from "../../harness/fixtures";
import { SDK_DIRS } from "../../harness/generated-sdks";
import { buildLaterRelease, type LaterRelease } from "../../harness/later-release";
import { npm, sdkVersion } from "../../harness/npm-packages";
import { packageVersion } from "../../harness/plugin-artifact";
import { AS_A_USER, PulumiCli, requirePulumiCli } from "../../harness/pulumi-cli";
import { startGoProxy, type GoProxy } from "../../harness/registries/go-proxy";
import { startNpmRegistry, type NpmRegistry } from "../../harness/registries/npm-registry";
import { startPythonIndex, type PythonIndex } from "../../harness/registries/python-index";
import { readmeBlock, runAsTyped } from "../../harness/readme-blocks";
import { releaseFiles, releasePage, type ReleaseFiles, type ReleasePage } from "../../harness/release-artifacts";
import { REPO_ROOT } from "../../harness/repo-root";
import { scratchFolder } from "../../harness/scratch-folders";
import { sha256Of } from "../../release/node-binaries";
import { hostPlatform, tarballName } from "../../release/platforms";

// The release rehearsed (npm run release:rehearse): this checkout's release (release/release.ts) is published with
// each registry's own client into real registries started here on 127.0.0.1 (Verdaccio for npm, pypiserver for PyPI,
// a Go module proxy's files, a release page with SHA256SUMS), then installed by name in fresh projects of each
// language, with the README's commands word for word, and deployed to the emulator with the real CLI. A project's only
// configuration is the registries' addresses. Then the next version, built by the same script from a copy of this
// checkout, is published too, and the TypeScript, YAML and Python stacks move to it: no replace, no dispatch.

const NEXT_VERSION = packageVersion().replace(/\d+$/, (patch) => String(Number(patch) + 1));

/** A step of a preview's JSON (`pulumi preview --json`). */
interface PreviewStep {
    op: string;
    urn: string;
}

describe("the release rehearsed: published into local registries, installed by name in fresh projects (real CLI)", function () {
    this.timeout(900_000);
    let binDir: string;
    let emu: Emulator;
    let release: ReleaseFiles;
    let npmRegistry: NpmRegistry;
    let pythonIndex: PythonIndex;
    let goProxy: GoProxy;
    let page: ReleasePage;
    /** Each npm package's integrity as the registry serves it, by name. */
    const publishedIntegrity = new Map<string, string>();
    /** The projects made, by name: the later tests upgrade some, and read them all. */
    const projects = new Map<string, PulumiCli>();

    before(async function () {
        binDir = requirePulumiCli(this, ["nodejs", "yaml", "python", "go"]);
        emu = await emulator();
        release = await releaseFiles();
        // One at a time, each kept as it starts: after() stops those that started if a later one fails.
        npmRegistry = await startNpmRegistry();
        pythonIndex = await startPythonIndex();
        goProxy = await startGoProxy();
        page = await releasePage(release.page);
    });

    after(async () => {
        await Promise.all([emu?.stop(), npmRegistry?.stop(), pythonIndex?.stop(), goProxy?.stop(), page?.stop()]);
    });

    /** A fresh project folder with `files`, and a CLI on it whose only configuration is the registries' addresses. */
    function freshProject(name: string, files: Record<string, string>): PulumiCli {
        const dir = scratchFolder(`timbal-rehearsal-${name}-`);
        for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
        const registries = { ...npmRegistry.env, ...pythonIndex.env, ...goProxy.env, ...page.env };
        const cli = new PulumiCli(dir, binDir, { TIMBAL_API_KEY: emu.apiKey, ...registries }, AS_A_USER);
        projects.set(name, cli);
        return cli;
    }

    /** The line of the release page's SHA256SUMS for `tarball`, fetched as a user reads it. */
    async function publishedSum(tarball: string, version = packageVersion()): Promise<string> {
        const sums = await (await fetch(`${page.url}/v${version}/SHA256SUMS`)).text();
        const line = sums.split("\n").find((l) => l.endsWith(`  ${tarball}`));
        assert.ok(line, `SHA256SUMS has a line for ${tarball}`);
        return line.split(" ")[0];
    }

    /** Whether this CLI's `plugin install --checksum` hashes the whole download: 3.276.0 does, 3.248.0 does not (README, YAML). */
    async function checksumsTheWholeDownload(cli: PulumiCli): Promise<boolean> {
        const [major, minor] = (await cli.ok(["version"])).stdout.trim().replace(/^v/, "").split(".").map(Number);
        return major > 3 || (major === 3 && minor >= 276);
    }

    it("publishes the release with each registry's own client: npm publish, twine upload, the Go module's files, the release page and its SHA256SUMS", async function () {
        for (const tarball of release.npm) npmRegistry.publish(tarball);
        pythonIndex.upload(release.python);
        goProxy.add(SDK_DIRS.go, `v${packageVersion()}`);

        // What each registry serves is what was built.
        for (const [name, tarball] of [["@timbal/pulumi-connector-jobs", release.npm[0]], ["@timbal/pulumi-connector-jobs-policy", release.npm[1]]]) {
            const served = JSON.parse(npm(["view", `${name}@${packageVersion()}`, "dist", "--json", "--registry", `${npmRegistry.url}/`], os.tmpdir()));
            publishedIntegrity.set(name, served.integrity);
            assert.strictEqual(served.shasum, execFileSync("sha1sum", [tarball], { encoding: "utf8" }).split(" ")[0], `${name} as packed`);
        }
        const simple = await (await fetch(`${pythonIndex.url}/simple/pulumi-timbal/`)).text();
        for (const file of release.python) assert.ok(simple.includes(path.basename(file)), `the index lists ${path.basename(file)}`);
        const goList = await (await fetch(`${goProxy.url}/github.com/timbal-ai/pulumi-timbal/sdk/go/@v/list`)).text();
        assert.strictEqual(goList.trim(), `v${packageVersion()}`);
        for (const file of release.page.filter((f) => f.endsWith(".tar.gz"))) {
            assert.strictEqual(await publishedSum(path.basename(file)), sha256Of(file));
        }
        assert.strictEqual(release.page.filter((f) => f.endsWith(".tar.gz")).length, 5, "every platform's tarball on the page");
    });

    it("TypeScript: `npm install @timbal/pulumi-connector-jobs` and the policy pack (the README's, word for word) in a new project, then up: one dispatch per job, orders after stage_orders finished", async function () {
        const devDependencies = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).devDependencies;
        // The project as `pulumi new typescript` leaves it: @pulumi/pulumi, TypeScript, a tsconfig.json.
        const cli = freshProject("typescript", {
            "Pulumi.yaml": "name: rehearsal-typescript\nruntime: nodejs\n",
            "package.json": JSON.stringify({
                name: "rehearsal-typescript",
                main: "index.ts",
                dependencies: { "@pulumi/pulumi": sdkVersion() },
                devDependencies: { typescript: devDependencies.typescript, "@types/node": devDependencies["@types/node"] },
            }),
            "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, target: "es2020", module: "commonjs", moduleResolution: "node" }, files: ["index.ts"] }),
            "index.ts": readmeBlock("### Quick start: TypeScript", "typescript", "// index.ts"),
        });
        await runAsTyped(cli, "npm install --no-audit --no-fund");
        // Install's block: the quick start's command, and the policy pack's.
        const install = readmeBlock("### TypeScript", "bash");
        assert.strictEqual(install.split("\n")[0], readmeBlock("### Quick start: TypeScript", "bash").trim(), "one command in the quick start and in Install");
        await runAsTyped(cli, install);
        const pack = JSON.parse(fs.readFileSync(path.join(cli.projectDir, "node_modules", "@timbal", "pulumi-connector-jobs-policy", "package.json"), "utf8"));
        assert.strictEqual(pack.version, packageVersion(), "the policy pack, by name");
        // The registry's copy, the only one there is of that name (npm writes no `resolved` for its configured registry).
        const lock = JSON.parse(fs.readFileSync(path.join(cli.projectDir, "package-lock.json"), "utf8"));
        assert.strictEqual(lock.packages["node_modules/@timbal/pulumi-connector-jobs"].integrity, publishedIntegrity.get("@timbal/pulumi-connector-jobs"), "installed the published tarball");
        await initEmulatorStack(cli, emu);
        await upDispatchesAfterTheWait(cli, emu);
    });

    it("Python: `pulumi-timbal==<version>` in requirements.txt (the README's), pulumi install, then up: one dispatch per job, orders after stage_orders finished", async function () {
        const cli = freshProject("python", {
            "Pulumi.yaml": readmeBlock("## Use from Python", "yaml", "# Pulumi.yaml"),
            "requirements.txt": readmeBlock("### Quick start: Python", "text", "# requirements.txt"),
            "__main__.py": readmeBlock("## Use from Python", "python", "# __main__.py"),
        });
        assert.strictEqual(readmeBlock("## Use from Python", "text", "# requirements.txt"), readmeBlock("### Quick start: Python", "text", "# requirements.txt"));
        const downloads = page.downloads.length;
        await runAsTyped(cli, readmeBlock("### Quick start: Python", "bash"));
        assert.match(pythonIndex.log(), new RegExp(`pulumi_timbal-${packageVersion().replace(/\./g, "\\.")}`), "the SDK came from the index");
        assert.deepStrictEqual(page.downloads.slice(downloads), [`/${tarballName(packageVersion(), hostPlatform())}`], "pulumi install fetched the plugin the SDK names");
        await initEmulatorStack(cli, emu);
        await upDispatchesAfterTheWait(cli, emu);
    });

    it("Go: `go get github.com/timbal-ai/pulumi-timbal/sdk/go@v<version>` (no replace; the README's), pulumi install, then up: one dispatch per job, orders after stage_orders finished", async function () {
        const cli = freshProject("go", { "Pulumi.yaml": "name: rehearsal-go\nruntime: go\n", "main.go": readmeBlock("## Use from Go", "go", "// main.go") });
        execFileSync("go", ["mod", "init", "rehearsal-go"], { cwd: cli.projectDir, stdio: "ignore" });
        const install = readmeBlock("### Quick start: Go", "bash");
        assert.strictEqual(readmeBlock("### Go", "bash"), install, "one set of commands in the quick start and in Install");
        await runAsTyped(cli, install);
        const goMod = fs.readFileSync(path.join(cli.projectDir, "go.mod"), "utf8");
        assert.match(goMod, new RegExp(`github\\.com/timbal-ai/pulumi-timbal/sdk/go v${packageVersion().replace(/\./g, "\\.")}`));
        assert.doesNotMatch(goMod, /replace/);
        assert.ok(goProxy.log().split("\n").includes(`/github.com/timbal-ai/pulumi-timbal/sdk/go/@v/v${packageVersion()}.zip`), "go fetched the module's zip from the proxy");
        await initEmulatorStack(cli, emu);
        await upDispatchesAfterTheWait(cli, emu);
    });

    it("YAML: the quick start's Pulumi.yaml, the plugin checked against SHA256SUMS (the README's commands; other bytes refused), pulumi install, then up: one dispatch per job, orders after stage_orders finished", async function () {
        const program = readmeBlock("### Quick start: YAML", "yaml", "# Pulumi.yaml");
        assert.ok(program.includes(readmeBlock("### YAML", "yaml")), "the program names the plugin as Install says");
        const cli = freshProject("yaml", { "Pulumi.yaml": program });
        const tarball = tarballName(packageVersion(), hostPlatform());
        const pinned = readmeBlock("### YAML", "bash", "# the plugin, checked against SHA256SUMS (here for linux-amd64)");
        const withSum = (sum: string) => pinned.replace(/linux-amd64/g, `${hostPlatform().os}-${hostPlatform().arch}`).replace(/<the sha256 of [^>]+>/, sum);
        await assert.rejects(runAsTyped(cli, withSum("0".repeat(64))), /invalid checksum, expected 0{64}/, "other bytes are refused");
        const sum = await publishedSum(tarball);
        const downloads = page.downloads.length;
        const right = runAsTyped(cli, withSum(sum));
        if (await checksumsTheWholeDownload(cli)) {
            await right;
            assert.deepStrictEqual(page.downloads.slice(downloads), [`/${tarball}`], "fetched once, by plugin install; pulumi install found it");
        } else {
            // As the README says of this CLI: it hashes part of the download, and refuses the right bytes too.
            await assert.rejects(right, /invalid checksum/);
            await cli.ok(["install"]);
        }
        await initEmulatorStack(cli, emu);
        await upDispatchesAfterTheWait(cli, emu);
    });

    it("as the README says of this CLI: a checksums: map in the packages entry is refused, in hex or in base64; inside the project's folder, --checksum is ignored", async function () {
        const entry = readmeBlock("### YAML", "yaml");
        const tarball = tarballName(packageVersion(), hostPlatform());
        const sum = await publishedSum(tarball);
        const cli = freshProject("yaml-checksums", { "Pulumi.yaml": "" });
        for (const written of [sum, Buffer.from(sum, "hex").toString("base64")]) {
            fs.writeFileSync(path.join(cli.projectDir, "Pulumi.yaml"), `name: with-checksums\nruntime: yaml\n${entry}    checksums:\n      linux-amd64: ${written}\n`);
            const result = await cli.run(["install"]);
            assert.notStrictEqual(result.code, 0, written);
            assert.match(result.output, /package must be either a string or a package specification object/);
        }
        fs.writeFileSync(path.join(cli.projectDir, "Pulumi.yaml"), `name: with-checksums\nruntime: yaml\n${entry}`);
        const url = `https://github.com/timbal-ai/pulumi-timbal/releases/download/v${packageVersion()}`;
        await cli.ok(["plugin", "install", "resource", "timbal", `v${packageVersion()}`, "--server", url, "--checksum", "0".repeat(64)]);
    });

    it("no project holds a path into this checkout", function () {
        assert.deepStrictEqual([...projects.keys()].sort(), ["go", "python", "typescript", "yaml", "yaml-checksums"], "every project was made");
        for (const [name, cli] of projects) {
            const grep = spawnSync("grep", ["-rlF", "--binary-files=without-match", REPO_ROOT, "."], { cwd: cli.projectDir, encoding: "utf8" });
            assert.strictEqual(grep.status, 1, `${name}: files naming ${REPO_ROOT}:\n${grep.stdout}${grep.stderr}`);
        }
    });

    describe(`the next version (${NEXT_VERSION}), built by the same script and published the same way`, function () {
        let later: LaterRelease;

        before(function () {
            later = buildLaterRelease(NEXT_VERSION);
            for (const tarball of later.npm) npmRegistry.publish(tarball);
            pythonIndex.upload(later.python);
            page.add(later.page, NEXT_VERSION);
        });

        it("is on the release page with its own SHA256SUMS, beside the first release's", async function () {
            const tarball = later.page.find((file) => file.endsWith(".tar.gz"))!;
            assert.strictEqual(await publishedSum(path.basename(tarball), NEXT_VERSION), sha256Of(tarball));
            const first = release.page.find((file) => file.endsWith(".tar.gz"))!;
            assert.strictEqual(await publishedSum(path.basename(first)), sha256Of(first));
        });

        /** Preview then up of `cli` after its upgrade: no replace, and no dispatch. */
        async function upgradesInPlace(cli: PulumiCli): Promise<void> {
            const jobs = Object.values(await cli.resources()).filter((r) => /ConnectorJob|connectorJob/.test(r.type)).map((r) => r.id);
            const steps: PreviewStep[] = JSON.parse((await cli.ok(["preview", "--json"])).stdout).steps ?? [];
            const replaced = steps.filter((step) => /replace/.test(step.op));
            assert.deepStrictEqual(replaced, [], "the preview replaces nothing");
            const posts = count(emu, "POST");
            await cli.ok(["up", "--yes"]);
            assert.strictEqual(count(emu, "POST"), posts, "the up dispatches nothing");
            const after = Object.values(await cli.resources()).filter((r) => /ConnectorJob|connectorJob/.test(r.type)).map((r) => r.id);
            assert.deepStrictEqual(after, jobs, "the same jobs");
        }

        it(`TypeScript: npm install @timbal/pulumi-connector-jobs@${NEXT_VERSION}`, async function () {
            const cli = projects.get("typescript")!;
            await runAsTyped(cli, `npm install --no-audit --no-fund @timbal/pulumi-connector-jobs@${NEXT_VERSION}`);
            const installed = JSON.parse(fs.readFileSync(path.join(cli.projectDir, "node_modules", "@timbal", "pulumi-connector-jobs", "package.json"), "utf8"));
            assert.strictEqual(installed.version, NEXT_VERSION);
            await upgradesInPlace(cli);
        });

        it(`YAML: the packages entry at ${NEXT_VERSION}, pulumi install`, async function () {
            const cli = projects.get("yaml")!;
            const file = path.join(cli.projectDir, "Pulumi.yaml");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(`version: ${packageVersion()}`, `version: ${NEXT_VERSION}`).replace(`/v${packageVersion()}\n`, `/v${NEXT_VERSION}\n`));
            const downloads = page.downloads.length;
            await cli.ok(["install"]);
            assert.deepStrictEqual(page.downloads.slice(downloads), [`/${tarballName(NEXT_VERSION, hostPlatform())}`]);
            await upgradesInPlace(cli);
        });

        it(`Python: pulumi-timbal==${NEXT_VERSION} in requirements.txt, pulumi install`, async function () {
            const cli = projects.get("python")!;
            const file = path.join(cli.projectDir, "requirements.txt");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(`pulumi-timbal==${packageVersion()}`, `pulumi-timbal==${NEXT_VERSION}`));
            const downloads = page.downloads.length;
            await cli.ok(["install"]);
            assert.deepStrictEqual(page.downloads.slice(downloads), [`/${tarballName(NEXT_VERSION, hostPlatform())}`], "the plugin the new SDK names");
            await upgradesInPlace(cli);
        });
    });
});
