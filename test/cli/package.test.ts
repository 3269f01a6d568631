import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pack, POLICY_ROOT } from "../../harness/npm-packages";
import { REPO_ROOT } from "../../harness/repo-root";

// What `npm pack` makes of this repository (the provider package and the policy pack package), and how npm resolves
// them in a user's project next to each end of the supported @pulumi/pulumi range. npm test builds dist/ first.

const OLDEST_SDK = "3.248.0";
const NEWEST_SDK = "3.276.0";

function filesIn(tarball: string): string[] {
    return execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).trim().split("\n").map((file) => file.replace(/^package\//, ""));
}

function manifestIn(tarball: string): Record<string, any> {
    return JSON.parse(execFileSync("tar", ["xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
}

/** `npm install --package-lock-only` of a project depending on `sdk` and the tarballs; the npm result and lockfile. */
function resolve(sdk: string, tarballs: string[]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-resolve-"));
    const dependencies: Record<string, string> = { "@pulumi/pulumi": sdk };
    for (const tarball of tarballs) dependencies[manifestIn(tarball).name] = `file:${tarball}`;
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "resolve", private: true, dependencies }));
    const result = spawnSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir, encoding: "utf8" });
    const lockFile = path.join(dir, "package-lock.json");
    const lock = fs.existsSync(lockFile) ? JSON.parse(fs.readFileSync(lockFile, "utf8")) : undefined;
    return { status: result.status, stderr: result.stderr, lock };
}

/** Lockfile paths of every @pulumi/pulumi copy, with their versions. */
function sdkCopies(lock: { packages: Record<string, { version?: string }> }): string[] {
    return Object.entries(lock.packages)
        .filter(([where]) => where.endsWith("node_modules/@pulumi/pulumi"))
        .map(([where, entry]) => `${where}@${entry.version}`);
}

describe("the packed packages and how npm resolves them", function () {
    this.timeout(180_000);
    let work: string;
    let provider: string;
    let policy: string;

    before(function () {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-pack-"));
        provider = pack(REPO_ROOT, work);
        policy = pack(POLICY_ROOT, work);
    });

    it("the provider package: @pulumi/pulumi is a peer with the supported range, the emulator and the plan are bins", function () {
        const manifest = manifestIn(provider);
        assert.strictEqual(manifest.peerDependencies["@pulumi/pulumi"], `>=${OLDEST_SDK} <4`);
        assert.strictEqual(manifest.dependencies["@pulumi/pulumi"], undefined, "an exact dependency nests a second SDK copy");
        assert.deepStrictEqual(manifest.bin, { "timbal-emulator": "dist/emulator/cli.js", "timbal-plan": "dist/plan/cli.js" });
        const files = filesIn(provider);
        // The plugin, and the Python SDK that Python projects pip-install from the installed package.
        const shipped = ["plugin/PulumiPlugin.yaml", "plugin/index.js", "plugin/schema.json", "sdk/python/pyproject.toml", "sdk/python/pulumi_timbal/connector_job.py"];
        for (const file of ["dist/provider/index.js", "dist/provider/host/process-providers.js", "dist/emulator/cli.js", "dist/plan/cli.js", "emulator/seed.json", "README.md", ...shipped]) {
            assert.ok(files.includes(file), `${file} missing from the package`);
        }
        // State holds require("<name>/connector-job-provider") (and /completion-provider, /host from earlier versions).
        for (const subpath of ["./connector-job-provider", "./completion-provider", "./host"]) {
            const target = manifest.exports[subpath];
            assert.ok(files.includes(String(target).replace(/^\.\//, "")), `export ${subpath} -> ${target} missing from the package`);
        }
        for (const bin of Object.values(manifest.bin as Record<string, string>)) {
            const text = execFileSync("tar", ["xzOf", provider, `package/${bin}`], { encoding: "utf8" });
            assert.ok(text.startsWith("#!/usr/bin/env node\n"), `${bin} needs its shebang`);
        }
    });

    it("the policy pack package: its own name, @pulumi/policy, the same peer range, the pack's files", function () {
        const manifest = manifestIn(policy);
        assert.strictEqual(manifest.name, "@timbal/pulumi-connector-jobs-policy");
        assert.ok(!manifest.private, "a private package cannot be published");
        assert.ok(manifest.dependencies["@pulumi/policy"]);
        assert.strictEqual(manifest.peerDependencies["@pulumi/pulumi"], `>=${OLDEST_SDK} <4`);
        const files = filesIn(policy);
        for (const file of [manifest.main, "PulumiPolicy.yaml", "config.dev.json", "config.prod.json"]) {
            assert.ok(files.includes(file), `${file} missing from the policy package`);
        }
        assert.ok(!files.some((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")), "ship compiled JavaScript, not sources");
    });

    for (const sdk of [OLDEST_SDK, NEWEST_SDK]) {
        it(`next to @pulumi/pulumi ${sdk}, both packages resolve to that one SDK copy`, function () {
            const { status, stderr, lock } = resolve(sdk, [provider, policy]);
            assert.strictEqual(status, 0, stderr);
            assert.deepStrictEqual(sdkCopies(lock), [`node_modules/@pulumi/pulumi@${sdk}`]);
        });
    }

    it("an SDK older than the range is refused by npm, naming the peer", function () {
        const { status, stderr } = resolve("3.247.0", [provider]);
        assert.notStrictEqual(status, 0, "npm accepted an SDK outside the peer range");
        assert.match(stderr, /ERESOLVE/);
        assert.match(stderr, /peer @pulumi\/pulumi@">=3\.248\.0 <4"/);
    });
});
