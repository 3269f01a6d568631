import * as Mocha from "mocha";
import * as path from "path";

// Mocha's spec reporter, plus at the end each test layer's and each test file's wall time (hooks included), slowest
// first: what CI's budget is spent on. `mocha --reporter harness/timed-spec-reporter.ts` (ts-node registered first, as .mocharc does).

class TimedSpecReporter extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        const seconds = new Map<string, number>();
        const started = new Map<Mocha.Suite, number>();
        const isFileSuite = (suite: Mocha.Suite) => !!suite.parent?.root && !!suite.file;
        runner.on(Mocha.Runner.constants.EVENT_SUITE_BEGIN, (suite) => {
            if (isFileSuite(suite)) started.set(suite, Date.now());
        });
        runner.on(Mocha.Runner.constants.EVENT_SUITE_END, (suite) => {
            const start = started.get(suite);
            if (start === undefined) return;
            const file = suite.file!.replace(`${process.cwd()}/`, "");
            seconds.set(file, (seconds.get(file) ?? 0) + (Date.now() - start) / 1000);
        });
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const rows = [...seconds].sort((a, b) => b[1] - a[1]);
            const layers = new Map<string, number>();
            for (const [file, s] of rows) layers.set(path.dirname(file), (layers.get(path.dirname(file)) ?? 0) + s);
            console.log("\n  seconds per test layer:");
            for (const [layer, s] of layers) console.log(`  ${s.toFixed(1).padStart(8)}  ${layer}`);
            console.log("\n  seconds per test file, slowest first:");
            for (const [file, s] of rows) console.log(`  ${s.toFixed(1).padStart(8)}  ${file}`);
        });
    }
}

export = TimedSpecReporter;
