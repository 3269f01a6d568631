import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../harness/repo-root";
import { shiftRequest } from "../harness/shifted-clock";

// `npm test` (after build and typecheck): the whole suite as jobs in two lanes. A job is one mocha process: a layer
// of in-process tests (test/unit, test/http, test/host), or one test file of the CLI layer. One mocha process keeps
// under one core busy (measured: 717 s of CPU in 871 s of wall time for the whole suite): a CLI test mostly waits on
// the CLI, its language hosts and the emulator. Two lanes use the machine's two cores; the slowest jobs go first.
// Each job's output is printed whole when it ends, then each job's wall time, and last the totals in mocha's words
// ("N passing", "N failing", "N pending"), which .ci/run counts.
//
// No test may depend on the date it runs: `--shift-clock-days N` (repeatable) runs the in-process layers with the clock
// moved N days, as one job, under Debian's libfaketime (`faketime`) for every process they start, instead of with the
// clock as it is (CI's other corner runs them so); the job fails if the clock it reads did not move
// (harness/shifted-clock.ts).
//
// Usage: ts-node --transpile-only scripts/test.ts [--ignore <test file>]... [--shift-clock-days <N>]...
//        [other mocha arguments, given to every job]
// TIMBAL_TEST_LANES sets the number of lanes (default 2).

/** The slowest jobs, slowest first (measured; the rest follow in file order): a long job started last would run alone. */
const SLOWEST_FIRST = [
    "test/cli/chaos.test.ts",
    "test/cli/cli-go.test.ts",
    "test/cli/cli-python.test.ts",
    "test/cli/release-rehearsal.test.ts",
    "test/cli/cli-install.test.ts",
    "test/cli/cli-languages-review.test.ts",
    "test/cli/cli-yaml.test.ts",
    "test/cli/cli-examples.test.ts",
    "test/cli/cli-upgrade.test.ts",
    "test/cli/cli-interrupt.test.ts",
    "test/cli/platforms.test.ts",
    "test/host",
    "test/http",
];

const IN_PROCESS_LAYERS = ["test/unit", "test/http", "test/host"];

interface Job {
    /** A layer's folder, or a test file. */
    name: string;
    files: string[];
    /** Days the job's clock is moved (libfaketime), if it is. */
    shiftDays?: number;
}

interface Finished extends Job {
    seconds: number;
    output: string;
    passing: number;
    failing: number;
    pending: number;
}

/** The test files of `dir`, but those ignored. */
function testFiles(dir: string, ignored: Set<string>): string[] {
    return fs
        .readdirSync(path.join(REPO_ROOT, dir))
        .filter((file) => file.endsWith(".test.ts"))
        .sort()
        .map((file) => `${dir}/${file}`)
        .filter((file) => !ignored.has(file));
}

function jobs(ignored: Set<string>, shifts: number[]): Job[] {
    const layers = shifts.length > 0 ? [] : IN_PROCESS_LAYERS.map((dir) => ({ name: dir, files: testFiles(dir, ignored) }));
    const shifted = shifts.map((days) => ({
        name: `${IN_PROCESS_LAYERS.join(", ")} with the clock moved ${days} days`,
        files: IN_PROCESS_LAYERS.flatMap((dir) => testFiles(dir, ignored)),
        shiftDays: days,
    }));
    const cli = testFiles("test/cli", ignored).map((file) => ({ name: file, files: [file] }));
    const all = [...layers, ...cli, ...shifted].filter((job) => job.files.length > 0);
    const rank = (job: Job) => (SLOWEST_FIRST.includes(job.name) ? SLOWEST_FIRST.indexOf(job.name) : SLOWEST_FIRST.length);
    return all.sort((a, b) => rank(a) - rank(b));
}

/** What the job's mocha reported: its last "N passing" / "N failing" / "N pending" lines. */
function counted(output: string, word: string): number {
    const matches = [...output.matchAll(new RegExp(`^ +(\\d+) ${word}`, "gm"))];
    return matches.length ? Number(matches.at(-1)![1]) : 0;
}

function run(job: Job, mochaArgs: string[], guardDir: string): Promise<Finished> {
    const started = Date.now();
    return new Promise((resolve) => {
        const mocha = path.join(REPO_ROOT, "node_modules", ".bin", "mocha");
        const args = [...mochaArgs, ...job.files];
        const [command, argv] =
            job.shiftDays === undefined
                ? [mocha, args]
                : // -m: libfaketime for threaded programs (Node); the monotonic clock, which timers run on, is left alone.
                  ["faketime", ["-m", "--exclude-monotonic", "-f", `${job.shiftDays >= 0 ? "+" : ""}${job.shiftDays}d`, mocha, ...args]];
        const child = spawn(command, argv, {
            cwd: REPO_ROOT,
            env: { ...process.env, TIMBAL_SECRET_GUARD_DIR: guardDir, ...(job.shiftDays === undefined ? {} : shiftRequest(job.shiftDays)) },
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.once("error", (err) => {
            output += `cannot start ${command}: ${err.message}${command === "faketime" ? " (install Debian's faketime: apt-get install faketime)" : ""}\n`;
        });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.once("close", (code) => {
            const passing = counted(output, "passing");
            let failing = counted(output, "failing");
            // A job that failed without mocha's report of a failing test (a crash, a failing root hook) is one failure.
            if (code !== 0 && failing === 0) failing = 1;
            resolve({ ...job, seconds: (Date.now() - started) / 1000, output, passing, failing, pending: counted(output, "pending") });
        });
    });
}

/** The secret guard's totals over every job: a run that registered no key or recorded nothing proved nothing. */
function guardTotals(guardDir: string): { secrets: number; artifacts: number } {
    let secrets = 0;
    let artifacts = 0;
    for (const file of fs.readdirSync(guardDir)) {
        const counts = JSON.parse(fs.readFileSync(path.join(guardDir, file), "utf8"));
        secrets += counts.secrets;
        artifacts += counts.artifacts;
    }
    return { secrets, artifacts };
}

function shiftDays(text: string | undefined): number {
    const days = Number(text);
    if (!Number.isInteger(days) || days === 0) throw new Error(`--shift-clock-days takes a whole number of days other than 0, such as 365 or -365; got ${text}`);
    return days;
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const ignored = new Set<string>();
    const shifts: number[] = [];
    const mochaArgs: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--ignore") ignored.add(path.relative(REPO_ROOT, path.resolve(REPO_ROOT, args[++i])));
        else if (args[i] === "--shift-clock-days") shifts.push(shiftDays(args[++i]));
        else mochaArgs.push(args[i]);
    }
    const lanes = Number(process.env.TIMBAL_TEST_LANES ?? 2);
    const guardDir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-secret-guard-"));
    const queue = jobs(ignored, shifts);
    const finished: Finished[] = [];
    const started = Date.now();
    await Promise.all(
        Array.from({ length: lanes }, async () => {
            for (let job = queue.shift(); job; job = queue.shift()) {
                const done = await run(job, mochaArgs, guardDir);
                process.stdout.write(`\n── ${done.name} (${done.seconds.toFixed(1)} s) ──\n${done.output}`);
                finished.push(done);
            }
        }),
    );
    const wall = (Date.now() - started) / 1000;

    console.log(`\nseconds per job (a layer, or a file of test/cli), slowest first; ${lanes} lanes, ${wall.toFixed(1)} s in all:`);
    for (const job of [...finished].sort((a, b) => b.seconds - a.seconds)) console.log(`${job.seconds.toFixed(1).padStart(8)}  ${job.name}`);

    const sum = (key: "passing" | "failing" | "pending") => finished.reduce((total, job) => total + job[key], 0);
    let failing = sum("failing");
    const guard = guardTotals(guardDir);
    if (guard.secrets === 0 || guard.artifacts === 0) {
        console.log(`\nthe secret guard proved nothing: ${guard.secrets} keys registered, ${guard.artifacts} outputs recorded`);
        failing += 1;
    }
    console.log(`\n  ${sum("passing")} passing (${Math.round(wall)}s)`);
    if (sum("pending") > 0) console.log(`  ${sum("pending")} pending`);
    if (failing > 0) console.log(`  ${failing} failing`);
    process.exitCode = failing > 0 ? 1 : 0;
}

main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
