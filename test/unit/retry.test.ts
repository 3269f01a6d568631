import * as assert from "assert";
import { attemptWhileRetryable, DEFAULT_RETRY, judgeNetworkError, judgeStatus, retryAfterMs, type Attempt, type RetryPolicy } from "../../provider/api/retry";
import { VirtualClock } from "../../harness/virtual-clock";

// When the client repeats a request, and how long it pauses: in virtual time.

const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000, deadlineMs: 60_000 };

/** Runs the loop with attempts that all end with `outcome`; returns how many attempts were made. */
async function attemptsUntilDone(clock: VirtualClock, policy: RetryPolicy, outcome: Attempt<string>): Promise<number> {
    let attempts = 0;
    await clock.run(
        attemptWhileRetryable(policy, clock, async () => {
            attempts++;
            return outcome;
        }),
    );
    return attempts;
}

describe("unit: retry", function () {
    it("repeats a retryable failure up to the policy's attempts, doubling the pause (with jitter) each time", async function () {
        const clock = new VirtualClock();
        const attempts = await attemptsUntilDone(clock, POLICY, { verdict: "retry", failure: new Error("ECONNREFUSED") });
        assert.strictEqual(attempts, 4);
        assert.strictEqual(clock.sleeps.length, 3);
        clock.sleeps.forEach((pause, i) => {
            const ceiling = 100 * 2 ** i;
            assert.ok(pause >= ceiling / 2 && pause <= ceiling, `pause ${i + 1} is ${pause} ms, within ${ceiling / 2}..${ceiling}`);
        });
    });

    it("caps the pause at maxDelayMs", async function () {
        const clock = new VirtualClock();
        await attemptsUntilDone(clock, { ...POLICY, attempts: 10 }, { verdict: "retry", failure: new Error("x") });
        assert.ok(Math.max(...clock.sleeps) <= 1000, `longest pause ${Math.max(...clock.sleeps)} ms`);
    });

    it("waits exactly as long as Retry-After says", async function () {
        const clock = new VirtualClock();
        await attemptsUntilDone(clock, { ...POLICY, attempts: 2 }, { verdict: "retry", answer: "429", retryAfterMs: 5000 });
        assert.deepStrictEqual(clock.sleeps, [5000]);
    });

    it("starts no attempt that would begin past the deadline", async function () {
        const clock = new VirtualClock();
        const start = clock.now();
        const attempts = await attemptsUntilDone(clock, { ...POLICY, attempts: 10, deadlineMs: 1000 }, { verdict: "retry", answer: "503", retryAfterMs: 800 });
        assert.strictEqual(attempts, 2, "the third would start at 1600 ms, past the 1000 ms deadline");
        assert.strictEqual(clock.now() - start, 800);
    });

    it("never repeats an ambiguous dispatch, nor a final answer, nor a success", async function () {
        for (const verdict of ["ambiguous", "final", "ok"] as const) {
            const clock = new VirtualClock();
            assert.strictEqual(await attemptsUntilDone(clock, POLICY, { verdict, answer: "x" }), 1, verdict);
            assert.deepStrictEqual(clock.sleeps, []);
        }
    });

    it("judges answers: a dispatch is repeated only when it certainly created nothing", function () {
        const cases: Array<["GET" | "POST", number, string]> = [
            ["POST", 201, "ok"],
            ["POST", 429, "retry"],
            ["POST", 503, "retry"],
            ["POST", 500, "ambiguous"],
            ["POST", 502, "ambiguous"],
            ["POST", 504, "ambiguous"],
            ["POST", 400, "final"],
            ["POST", 404, "final"],
            ["GET", 500, "retry"],
            ["GET", 429, "retry"],
            ["GET", 404, "final"],
        ];
        for (const [method, status, verdict] of cases) assert.strictEqual(judgeStatus(method, status), verdict, `${method} ${status}`);
        assert.strictEqual(judgeNetworkError("POST", Object.assign(new Error("refused"), { code: "ECONNREFUSED" })), "retry");
        assert.strictEqual(judgeNetworkError("POST", Object.assign(new Error("reset"), { code: "ECONNRESET" })), "ambiguous");
        assert.strictEqual(judgeNetworkError("GET", Object.assign(new Error("reset"), { code: "ECONNRESET" })), "retry");
    });

    it("reads Retry-After as seconds or as an HTTP date", function () {
        const now = Date.parse("2026-11-28T12:00:00Z");
        assert.strictEqual(retryAfterMs("3", now), 3000);
        assert.strictEqual(retryAfterMs("Sat, 28 Nov 2026 12:00:10 GMT", now), 10_000);
        assert.strictEqual(retryAfterMs("soon", now), undefined);
        assert.strictEqual(retryAfterMs(undefined, now), undefined);
        assert.ok(DEFAULT_RETRY.attempts > 1);
    });
});
