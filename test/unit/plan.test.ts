import * as assert from "assert";
import { fieldChanges, planStack } from "../../plan/plan";
import { renderMarkdown } from "../../plan/markdown";
import type { PreviewStep } from "../../plan/preview";
import { dynamicType, pluginType } from "../../provider/fields/type-tokens";

// timbal-plan on steps the CLI tests do not reach: field paths, what forces a re-dispatch and what rides along, and
// run policies judged from the steps themselves.

const HOUR = 3_600_000;
const NOW = Date.parse("2026-12-05T12:00:00Z");
const JOB = { connectorId: "erp", kbId: 102, destTable: "ledger", mode: "append", source: { kind: "sql_server", connectionRef: "db", table: "GL" }, pacing: { maxRowsPerSec: 1000 } };

function step(op: string, name: string, inputs: Record<string, unknown>, old?: { inputs: Record<string, unknown>; outputs?: Record<string, unknown> }, replaceReasons: string[] = [], type = pluginType("connectorJob")): PreviewStep {
    const urn = `urn:pulumi:prod::extractions::${type}::${name}`;
    return {
        op,
        urn,
        stack: "prod",
        name,
        type,
        old: old && { type, id: `job_${name}`, inputs: old.inputs, outputs: { ...old.inputs, ...old.outputs } },
        new: { type, inputs, outputs: {} },
        replaceReasons,
    };
}

describe("timbal-plan: changed field paths", function () {
    it("tells apart two long values that differ only past the shown length", function () {
        const prefix = "x".repeat(120);
        const found = fieldChanges({ triggers: { note: `${prefix}-one` } }, { triggers: { note: `${prefix}-two` } }, "triggers");
        assert.strictEqual(found.length, 1);
        assert.strictEqual(found[0].path, "triggers.note");
        assert.ok(found[0].old.endsWith("…") && found[0].new.endsWith("…"), "long values are shown cut");
    });

    it("counts key order as no change", function () {
        assert.deepStrictEqual(fieldChanges({ triggers: { a: [{ x: 1, y: 2 }] } }, { triggers: { a: [{ y: 2, x: 1 }] } }, "triggers"), []);
    });
});

describe("timbal-plan: reasons and passengers", function () {
    it("a re-dispatch's reasons are what forces it; an in-place change riding along is shown apart", function () {
        const changed = { ...JOB, pacing: { maxRowsPerSec: 300 }, rerunAfter: "23h" };
        const [item] = planStack("prod", [step("replace", "ledger", changed, { inputs: JOB }, ["pacing"])]).items;
        assert.strictEqual(item.action, "re-dispatch");
        assert.deepStrictEqual(item.reasons, [{ path: "pacing.maxRowsPerSec", old: "1000", new: "300" }]);
        assert.deepStrictEqual(item.alsoInPlace, [{ path: "rerunAfter", old: "(unset)", new: '"23h"' }]);
        const row = renderMarkdown([planStack("prod", [step("replace", "ledger", changed, { inputs: JOB }, ["pacing"])])]).split("\n").find((line) => line.startsWith("| `ledger`"))!;
        assert.match(row, /\| `pacing\.maxRowsPerSec`: 1000 → 300<br><sub>also in place: `rerunAfter`: \(unset\) → "23h"<\/sub> \|/);
    });

    it("an in-place change's reasons are all its changes", function () {
        const [item] = planStack("prod", [step("update", "ledger", { ...JOB, rerunAfter: "23h" }, { inputs: JOB })]).items;
        assert.strictEqual(item.action, "in-place");
        assert.deepStrictEqual(item.reasons, [{ path: "rerunAfter", old: "(unset)", new: '"23h"' }]);
        assert.deepStrictEqual(item.alsoInPlace, []);
    });
});

describe("timbal-plan: run policies judged from the steps", function () {
    const policy = { ...JOB, rerunAfter: "24h" };

    it("a job whose last job still runs is held, in either shell, whatever the provider logged", function () {
        for (const type of [dynamicType("connectorJob"), pluginType("connectorJob")]) {
            const running = step("same", "ledger", policy, { inputs: policy, outputs: { state: "running" } }, [], type);
            const plan = planStack("prod", [running], {}, { judgeAt: () => NOW });
            assert.deepStrictEqual(plan.held, [{ resource: "ledger", reason: "last job still running: nothing is dispatched while it runs" }], type);
        }
    });

    it("a job that finished, or one without a policy, or a component (no id) is not held", function () {
        const finished = step("same", "ledger", policy, { inputs: policy, outputs: { state: "succeeded", finishedAt: new Date(NOW - HOUR).toISOString() } });
        const noPolicy = step("same", "orders", JOB, { inputs: JOB, outputs: { state: "running" } });
        const component = { ...step("same", "ledger", policy, { inputs: policy, outputs: { state: "running" } }), old: { type: pluginType("connectorJob"), inputs: policy, outputs: { state: "running" } } };
        assert.deepStrictEqual(planStack("prod", [finished, noPolicy, component], {}, { judgeAt: () => NOW }).held, []);
    });

    it("a stale job's re-dispatch names the policy's decision as its reason", function () {
        const stale = step("replace", "ledger", policy, { inputs: policy, outputs: { state: "succeeded", finishedAt: new Date(NOW - 26 * HOUR).toISOString() } }, ["rerunAfter"]);
        const [item] = planStack("prod", [stale], {}, { judgeAt: () => NOW }).items;
        assert.strictEqual(item.policy, "last job finished 26 h ago; older than 24h");
        assert.deepStrictEqual([item.reasons, item.alsoInPlace], [[], []]);
    });
});
