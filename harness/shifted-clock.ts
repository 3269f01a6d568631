// The in-process layers (unit, http, host) must pass on any date. `scripts/test.ts --shift-clock-days N` runs them
// once more under Debian's libfaketime, with the machine's clock moved N days, for every process they start. This
// module holds both ends of that: what a test passes on to the processes it starts so that they read the same
// clock, and the check (a mocha root hook) that fails a shifted job whose clock did not really move.

const DAY_MS = 24 * 3600_000;
/** How far a shifted job's clock may be from the one it was asked for (the job starts seconds after it is asked). */
const TOLERANCE_MS = 3600_000;

/** The variables by which libfaketime moves the clock a process reads: a child started without them reads another. */
export function shiftedClockEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(env).filter(([name]) => name === "LD_PRELOAD" || name.startsWith("FAKETIME") || name === "DONT_FAKE_MONOTONIC"));
}

/** What scripts/test.ts gives a job it runs shifted by `days`: the check below reads it. */
export function shiftRequest(days: number, realNow = Date.now()): NodeJS.ProcessEnv {
    return { TIMBAL_TEST_CLOCK_SHIFT_DAYS: String(days), TIMBAL_TEST_REAL_NOW: String(realNow) };
}

/** A root hook (.mocharc.json): in a job run shifted, fails it at once unless the clock the code reads is shifted. */
export const mochaHooks = {
    beforeAll(): void {
        const days = process.env.TIMBAL_TEST_CLOCK_SHIFT_DAYS;
        if (days === undefined) return;
        const expected = Number(process.env.TIMBAL_TEST_REAL_NOW) + Number(days) * DAY_MS;
        const off = Date.now() - expected;
        if (!(Math.abs(off) <= TOLERANCE_MS)) {
            throw new Error(
                `this job was to run with the clock moved ${days} days, but it reads ${new Date().toISOString()} ` +
                    `(${(off / DAY_MS).toFixed(2)} days from that): libfaketime did not take effect. Install it (apt-get install faketime)`,
            );
        }
    },
};
