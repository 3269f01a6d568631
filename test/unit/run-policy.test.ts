import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ORG, ordersInputs } from "../../harness/fixtures";
import { VirtualClock } from "../../harness/virtual-clock";
import { formatAge, parseDuration } from "../../provider/fields/durations";
import { createDecisionClock, HOLD_MS } from "../../provider/jobs/decision-clock";
import { decideRun, type LastJob, type RunPolicy } from "../../provider/jobs/run-policy";
import { checkInputs } from "../../provider/lifecycle/check-inputs";

// The run policy's decision, on a virtual clock: when a job is older than `rerunAfter` (to the millisecond), when a
// failed one is retried, and that a job not finished is never followed by another.

const HOUR = 3_600_000;
const FINISHED = "2026-11-28T02:00:00.000Z";
const finishedAt = Date.parse(FINISHED);
const succeeded = { state: "succeeded", finishedAt: FINISHED };
const failed = { state: "failed", finishedAt: FINISHED, message: "extraction of orders failed after 500 rows" };

/** The decision for a job's inputs (its run policy) and last job, judged at `now`. */
const decide = (last: LastJob, policy: RunPolicy, now: number) => decideRun(policy, last, () => now);

describe("unit: the run policy", function () {
    it("rerunAfter: a job exactly that old is kept; one millisecond older is re-dispatched, with the reason in words", function () {
        const policy = { rerunAfter: "24h" };
        assert.deepStrictEqual(decide(succeeded, policy, finishedAt + 24 * HOUR), { rerun: false, reason: "last job finished 24 h ago; not older than 24h" });
        assert.deepStrictEqual(decide(succeeded, policy, finishedAt + 24 * HOUR + 1), {
            rerun: true,
            because: "rerunAfter",
            reason: "last job finished 24 h ago; older than 24h",
        });
        assert.strictEqual(decide(succeeded, policy, finishedAt + 26 * HOUR).reason, "last job finished 26 h ago; older than 24h");
        assert.strictEqual(decide(succeeded, { rerunAfter: "7d" }, finishedAt + 7 * 24 * HOUR + 1).reason, "last job finished 7 d ago; older than 7d");
    });

    it("retryFailed: a failed job is followed by a new one at once, naming its message; a succeeded one is not", function () {
        assert.deepStrictEqual(decide(failed, { retryFailed: true }, finishedAt + 1), {
            rerun: true,
            because: "retryFailed",
            reason: "last job failed: extraction of orders failed after 500 rows; retryFailed",
        });
        assert.strictEqual(decide(succeeded, { retryFailed: true }, finishedAt + 100 * HOUR).rerun, false);
        // Without retryFailed, a failed job is re-dispatched only once it is older than rerunAfter.
        assert.strictEqual(decide(failed, { rerunAfter: "1h" }, finishedAt + HOUR).rerun, false);
        assert.strictEqual(decide(failed, { rerunAfter: "1h" }, finishedAt + HOUR + 1).reason, "last job failed 1 h ago; older than 1h");
    });

    it("a job still queued or running, or whose status is not known yet, is never followed by another", function () {
        const late = finishedAt + 1000 * HOUR;
        for (const state of ["queued", "running"]) {
            assert.deepStrictEqual(decide({ state }, { rerunAfter: "1m", retryFailed: true }, late), {
                rerun: false,
                waits: true,
                reason: `last job still ${state}: nothing is dispatched while it runs`,
            });
        }
        assert.strictEqual(decide({ state: "dispatched" }, { rerunAfter: "1m" }, late).reason, "last job's status is not known yet (refresh to read it): nothing is dispatched");
    });

    it("no policy decides nothing; a resource pinned to an adopted job never dispatches", function () {
        assert.deepStrictEqual(decide(failed, {}, finishedAt + 1000 * HOUR), { rerun: false });
        const pinned = decide(failed, { retryFailed: true, adoptJobId: "job_1" }, finishedAt + 1);
        assert.deepStrictEqual(pinned, { rerun: false, reason: "pinned to the adopted job job_1: remove adoptJobId to let the run policy dispatch" });
    });

    it("durations: units d, h, m, combined; ages in words", function () {
        assert.strictEqual(parseDuration("24h"), 24 * HOUR);
        assert.strictEqual(parseDuration("1d12h30m"), 36.5 * HOUR);
        for (const bad of ["", "24", "h", "1.5h", "24 h", "1w", "-1h"]) assert.strictEqual(parseDuration(bad), undefined, bad);
        assert.strictEqual(formatAge(59 * 60_000 + 59_999), "59 min");
        assert.strictEqual(formatAge(47 * HOUR + 59 * 60_000), "47 h");
        assert.strictEqual(formatAge(48 * HOUR), "2 d");
    });

    it("check refuses a bad rerunAfter or retryFailed, naming the field and what is allowed", function () {
        const failures = (more: Record<string, unknown>) => checkInputs(ordersInputs(more), { orgId: ORG, baseUrl: "https://api.timbal.ai" }).failures.map((f) => f.reason);
        assert.deepStrictEqual(failures({ rerunAfter: "24h", retryFailed: true }), []);
        assert.deepStrictEqual(failures({ rerunAfter: "daily" }), ['rerunAfter: must be a duration such as "24h", "7d" or "1d12h" (units d, h, m: how old the last job may get before the next `pulumi up` dispatches a new one); got "daily"']);
        assert.deepStrictEqual(failures({ rerunAfter: "30s" }), ['rerunAfter: must be a duration such as "24h", "7d" or "1d12h" (units d, h, m: how old the last job may get before the next `pulumi up` dispatches a new one); got "30s"']);
        assert.deepStrictEqual(failures({ rerunAfter: "0m" }), ['rerunAfter: must be at least 1m; got "0m"']);
        assert.deepStrictEqual(failures({ rerunAfter: "400d" }), ['rerunAfter: must be at most 366d; got "400d"']);
        assert.deepStrictEqual(failures({ retryFailed: "yes" }), ['retryFailed: must be true or false; got "yes"']);
    });

    it("the decision clock: decisions about a job within 15 minutes share the first one's instant, across processes on one machine", function () {
        const clock = new VirtualClock();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-decisions-"));
        const preview = createDecisionClock(dir, clock);
        const first = preview.instantFor("job_1");
        assert.strictEqual(first, clock.now());
        clock.advance(HOLD_MS - 1);
        // The `up` after the preview runs in another process: it reads the instant from disk.
        const up = createDecisionClock(dir, clock);
        assert.strictEqual(up.instantFor("job_1"), first);
        assert.strictEqual(up.instantFor("job_2"), clock.now(), "each job has its own instant");
        clock.advance(1);
        assert.strictEqual(createDecisionClock(dir, clock).instantFor("job_1"), clock.now(), "15 minutes later, a decision is made afresh");
    });
});
