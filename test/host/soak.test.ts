import * as assert from "assert";
import { formatReport, runSoak } from "../../harness/soak";
import { recordArtifact, registerSecret } from "../../harness/secret-guard";

// The soak of `npm run soak`, smaller: dispatches through the real provider host while the emulator faults requests
// of every kind. Nothing is dispatched twice, no resource lacks its job, no job is lost without a word.

describe("soak: dispatches through the real host under injected faults", function () {
    this.timeout(180_000);

    it("20% of requests faulted: every resource created, one job each", async function () {
        const report = await runSoak({ dispatches: 80, faultRate: 0.2, seed: 11 });
        registerSecret(report.apiKey);
        recordArtifact("soak report", formatReport(report));
        assert.ok(report.faulted > 10, `faults were injected: ${report.faulted}`);
        assert.strictEqual(report.duplicates, 0);
        assert.strictEqual(report.resourcesWithoutJob, 0);
        assert.strictEqual(report.jobsLostSilently, 0);
        assert.strictEqual(report.unconfirmed, 0);
        assert.deepStrictEqual(report.failures, []);
        assert.strictEqual(report.created, 80);
        assert.strictEqual(report.jobs, 80);
    });

    it("60% of requests faulted: failures may happen, but each says what happened, and nothing is duplicated or lost", async function () {
        const report = await runSoak({ dispatches: 40, faultRate: 0.6, seed: 5 });
        registerSecret(report.apiKey);
        console.log(`      ${report.created} created, ${report.failures.length} failed with a message, ${report.faulted} of ${report.requests} requests faulted`);
        recordArtifact("soak report", formatReport(report));
        assert.strictEqual(report.duplicates, 0);
        assert.strictEqual(report.resourcesWithoutJob, 0);
        assert.strictEqual(report.jobsLostSilently, 0);
        for (const failure of report.failures) {
            assert.match(failure, /^soak_\d+: dispatch to connector "warehouse-pg" in org "acme-dev": /, failure);
        }
        assert.strictEqual(report.created + report.failures.length, 40);
    });
});
