import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../harness/repo-root";
import { registerSecret } from "../../harness/secret-guard";

// The `timbal-emulator` bin (dist/emulator/cli.js, built by npm test): help, and every flag checked before it starts.

const BIN = path.join(REPO_ROOT, "dist", "emulator", "cli.js");

function run(args: string[]) {
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 10_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function seedFile(content: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "timbal-seed-")), "seed.json");
    fs.writeFileSync(file, content);
    return file;
}

describe("timbal-emulator: its command line", function () {
    it("--help prints the usage, every flag in it, and exits 0", function () {
        const { status, stdout, stderr } = run(["--help"]);
        assert.strictEqual(status, 0, stderr);
        assert.match(stdout, /^Usage: timbal-emulator \[options\]/);
        for (const flag of ["--port", "--speed", "--seed", "--api-key", "--fail-table", "--failure-rate", "--latency-ms", "--fault-rate", "--fault-kinds"]) {
            assert.ok(stdout.includes(flag), `${flag} missing from --help`);
        }
    });

    const mistakes: Array<[string, string[], RegExp]> = [
        ["an unknown flag", ["--sped", "3"], /^timbal-emulator: Unknown option '--sped' \(see --help\)$/],
        ["a positional argument", ["8787"], /^timbal-emulator: Unexpected argument '8787' \(see --help\)$/],
        ["a word where a number belongs", ["--speed", "fast"], /^timbal-emulator: --speed must be a number greater than 0, got "fast"/],
        ["a zero speed", ["--speed", "0"], /--speed must be a number greater than 0, got "0"/],
        ["a port out of range", ["--port", "70000"], /--port must be an integer from 0 to 65535, got "70000"/],
        ["a rate above 1", ["--failure-rate", "1.5"], /--failure-rate must be a number from 0 to 1, got "1.5"/],
        ["an empty number", ["--latency-ms", ""], /--latency-ms must be a number of milliseconds, 0 or more, got ""/],
        ["an unknown fault", ["--fault-kinds", "error500,meteor"], /--fault-kinds: unknown fault "meteor"; choose from error500, /],
        ["a missing seed file", ["--seed", "/nonexistent/seed.json"], /--seed: seed file \/nonexistent\/seed.json cannot be read \(ENOENT\)/],
    ];
    for (const [what, args, message] of mistakes) {
        it(`${what}: one clear line, exit 2, nothing started`, function () {
            const { status, stdout, stderr } = run(args);
            assert.strictEqual(status, 2, `exit ${status}: ${stderr}`);
            assert.strictEqual(stdout, "");
            assert.strictEqual(stderr.trimEnd().split("\n").length, 1, stderr);
            assert.match(stderr.trimEnd(), message);
        });
    }

    it("a seed file that is not JSON, or not a world, is refused with the file and the field", function () {
        const notJson = seedFile("{ orgs: ");
        const broken = run(["--seed", notJson]);
        assert.strictEqual(broken.status, 2);
        assert.match(broken.stderr, new RegExp(`--seed: seed file ${notJson} is not valid JSON`));

        const wrongShape = seedFile(JSON.stringify({ orgs: [{ id: "acme", connectors: [], kbs: [{ id: "101", uid: "kb" }] }] }));
        const shaped = run(["--seed", wrongShape]);
        assert.strictEqual(shaped.status, 2);
        assert.match(shaped.stderr, /seed file .*: orgs\.0\.kbs\.0\.id: Invalid input: expected number, received string/);
    });

    it("valid flags start it on the given port, with the given key, and it answers", async function () {
        const key = registerSecret("tmbl_cli_test_key");
        const child = spawn(process.execPath, [BIN, "--port", "0", "--speed", "10", "--api-key", key], { stdio: ["ignore", "pipe", "pipe"] });
        try {
            const url = await new Promise<string>((resolve, reject) => {
                let out = "";
                child.stdout.on("data", (chunk) => {
                    out += chunk;
                    const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
                    if (found) resolve(found[1]);
                });
                child.once("exit", (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
            });
            const res = await fetch(`${url}/orgs/acme-dev/connectors/jobs`, { headers: { Authorization: `Bearer ${key}` } });
            assert.strictEqual(res.status, 200);
            assert.deepStrictEqual(((await res.json()) as { jobs: unknown[] }).jobs, []);
        } finally {
            child.kill("SIGTERM");
        }
    });
});
