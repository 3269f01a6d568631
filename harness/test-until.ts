// `TIMBAL_TEST_UNTIL=<words of a test's title> npx mocha <file>`: one behaviour of a suite whose tests build on each
// other (one stack through several commands) runs with the steps before it, and the steps after it are skipped.
// (`--grep` alone would run the behaviour without the state its earlier steps leave.)

let reached = false;

export const mochaHooks = {
    beforeEach(this: Mocha.Context): void {
        const until = process.env.TIMBAL_TEST_UNTIL;
        if (!until) return;
        if (reached) this.skip();
        if (this.currentTest?.title.includes(until)) reached = true;
    },
};
