import * as assert from "assert";
import { planStack } from "../../plan/plan";
import type { PreviewStep } from "../../plan/preview";
import { pluginType } from "../../provider/fields/type-tokens";
import { UNKNOWN } from "../../provider/fields/unknown";
import { JOB_RULES, PolicyConfigError, readsGently, ruleConfig, ruleEnforcement, type ReviewedJob } from "../../provider/review/policy-rules";

// The review rules the policy pack enforces and timbal-plan flags (one definition): what "gentle" means, and how the
// plan applies each rule with the stack's policy config. test/cli/cli-languages-review.test.ts checks, through the
// real CLI and the installed pack, that the plan flags exactly what the pack refuses.

const sqlServer = (pacing?: ReviewedJob["pacing"]): ReviewedJob => ({ source: { kind: "sql_server", connectionRef: "db", table: "ledger", cursorColumn: "id", schema: "dbo" }, pacing });

describe("unit: review rules shared by the policy pack and timbal-plan", function () {
    it("gentle: a SQL Server source needs readUncommitted, a MAXDOP of at least 1, or a rows/s cap above 0", function () {
        assert.strictEqual(readsGently(sqlServer()), false);
        assert.strictEqual(readsGently(sqlServer({})), false);
        assert.strictEqual(readsGently(sqlServer({ batchDelayMs: 500 })), false);
        assert.strictEqual(readsGently(sqlServer({ maxDop: 0 })), false, "MAXDOP 0 is SQL Server's no cap");
        assert.strictEqual(readsGently(sqlServer({ maxRowsPerSec: 0 })), false);
        assert.strictEqual(readsGently(sqlServer({ readUncommitted: false })), false);
        assert.strictEqual(readsGently(sqlServer({ maxDop: 1 })), true);
        assert.strictEqual(readsGently(sqlServer({ maxRowsPerSec: 1 })), true);
        assert.strictEqual(readsGently(sqlServer({ readUncommitted: true })), true);
        assert.strictEqual(readsGently({ source: { kind: "postgres", connectionRef: "db", table: "t", cursorColumn: "id", schema: "public" } }), true);
    });

    it("a rule's config: the file's values over the declared defaults; a value of the wrong type named; its enforcement by name or by all", function () {
        const bounds = JOB_RULES.find((rule) => rule.name === "timbal-batch-and-rate-bounds")!;
        assert.deepStrictEqual(ruleConfig(bounds, undefined), { minBatchRows: 100, maxBatchRows: 50000, maxRowsPerSec: 20000 });
        assert.deepStrictEqual(ruleConfig(bounds, { maxBatchRows: 20000 }), { minBatchRows: 100, maxBatchRows: 20000, maxRowsPerSec: 20000 });
        assert.throws(() => ruleConfig(bounds, { minBatchRows: "x" }), (err: Error) => err instanceof PolicyConfigError && /"timbal-batch-and-rate-bounds".minBatchRows must be an integer; got "x"/.test(err.message));
        assert.strictEqual(ruleEnforcement(bounds, {}), "mandatory");
        assert.strictEqual(ruleEnforcement(bounds, { [bounds.name]: "disabled" }), "disabled");
        assert.strictEqual(ruleEnforcement(bounds, { [bounds.name]: { enforcementLevel: "advisory", maxBatchRows: 10 } }), "advisory");
        assert.strictEqual(ruleEnforcement(bounds, { all: "disabled" }), "disabled");
        assert.strictEqual(ruleEnforcement(bounds, { all: "disabled", [bounds.name]: "mandatory" }), "mandatory");
    });

    describe("timbal-plan applies the rules with the stack's policy config", function () {
        const step = (name: string, op: string, inputs: Record<string, unknown>): PreviewStep => ({
            op,
            urn: `urn:pulumi:prod::p::${pluginType("connectorJob")}::${name}`,
            stack: "prod",
            name,
            type: pluginType("connectorJob"),
            ...(op === "delete" || op === "same" ? { old: { type: pluginType("connectorJob"), inputs, outputs: {} } } : { new: { type: pluginType("connectorJob"), inputs, outputs: {} } }),
            replaceReasons: [],
        });
        const job = (table: string, extra: Record<string, unknown> = {}) => ({ connectorId: "c", kbId: 1, destTable: table, orgId: "o", mode: "create", batchRows: 5000, ...extra });
        const steps = [
            step("ledger", "create", job("ledger", sqlServer())),
            step("gentle", "create", job("gentle", sqlServer({ maxDop: 1 }))),
            step("rewrite", "create", job("rewrite", { mode: "replace" })),
            step("twin-a", "create", job("shared")),
            step("twin-b", "create", job("shared")),
            step("gone", "delete", job("gone", sqlServer())),
        ];
        const refusalsOf = (config: Record<string, unknown>) =>
            Object.fromEntries(planStack("prod", steps, config).items.filter((item) => item.refusals.length > 0).map((item) => [item.resource, item.refusals.map((r) => r.split(":")[0])]));

        it("production: the production rules and the stack rule; a forgotten job is not checked", function () {
            const production = { "timbal-no-replace-mode-in-production": { production: true }, "timbal-gentle-sql-server-in-production": { production: true } };
            assert.deepStrictEqual(refusalsOf(production), {
                ledger: ["timbal-gentle-sql-server-in-production"],
                rewrite: ["timbal-no-replace-mode-in-production"],
                "twin-a": ["timbal-unique-destination"],
                "twin-b": ["timbal-unique-destination"],
            });
            assert.strictEqual(planStack("prod", steps, production).production, true);
        });

        it("no config: each policy's defaults, so only the stack rule; a disabled rule flags nothing", function () {
            assert.deepStrictEqual(refusalsOf({}), { "twin-a": ["timbal-unique-destination"], "twin-b": ["timbal-unique-destination"] });
            assert.strictEqual(planStack("prod", steps, {}).production, false);
            assert.deepStrictEqual(refusalsOf({ "timbal-unique-destination": "disabled" }), {});
        });

        it("an advisory rule's findings are risks, not refusals (the pack only warns)", function () {
            const plan = planStack("prod", steps, { "timbal-unique-destination": "advisory" });
            assert.deepStrictEqual(plan.items.flatMap((item) => item.refusals), []);
            assert.match(plan.items.find((item) => item.resource === "twin-a")!.risks.join("\n"), /^timbal-unique-destination \(advisory, the pack only warns\): twin-a and twin-b all write/);
        });

        it("unchanged jobs (preview --show-sames): refused as the pack refuses them, and a new job that collides with one", function () {
            const production = { "timbal-gentle-sql-server-in-production": { production: true } };
            const withSames = [
                step("stack", "same", {}),
                step("old-ledger", "same", job("old_ledger", sqlServer({ maxDop: 0 }))),
                step("old-orders", "same", job("orders")),
                step("new-orders", "create", job("orders")),
            ].map((s, i) => (i === 0 ? { ...s, type: "pulumi:pulumi:Stack" } : s));
            const plan = planStack("prod", withSames, production);
            assert.strictEqual(plan.unchangedChecked, true);
            assert.deepStrictEqual(plan.unchangedRefusals.map((r) => `${r.resource} ${r.refusal.split(":")[0]}`), [
                "old-ledger timbal-gentle-sql-server-in-production",
                "old-orders timbal-unique-destination",
            ]);
            assert.deepStrictEqual(plan.items.map((item) => [item.resource, item.refusals.map((r) => r.split(":")[0])]), [["new-orders", ["timbal-unique-destination"]]]);
            // Without --show-sames, a stack deployed before says its unchanged jobs were not checked; a new stack has none.
            const withoutSames = withSames.filter((s) => s.op !== "same" || s.type === "pulumi:pulumi:Stack");
            assert.strictEqual(planStack("prod", withoutSames, production).unchangedChecked, false);
            assert.strictEqual(planStack("prod", withoutSames.filter((s) => s.op !== "same"), production).unchangedChecked, true);
            // With the preview's count of unchanged resources (the Stack and two jobs): listed all, or not.
            assert.strictEqual(planStack("prod", withSames, production, { unchangedCount: 3 }).unchangedChecked, true);
            assert.strictEqual(planStack("prod", withoutSames, production, { unchangedCount: 3 }).unchangedChecked, false);
            // --show-sames when nothing is unchanged but the Stack: all listed.
            assert.strictEqual(planStack("prod", withoutSames, production, { unchangedCount: 1 }).unchangedChecked, true);
        });

        it("a rule that reads a secret or a value not known yet is said to be unchecked, not guessed", function () {
            const production = { "timbal-gentle-sql-server-in-production": { production: true }, "timbal-no-replace-mode-in-production": { production: true } };
            const hidden = [
                step("secret-pacing", "create", job("a", { ...sqlServer({ maxDop: 0 }), pacing: { maxDop: "[secret]" } })),
                step("later-mode", "create", job("b", { mode: UNKNOWN })),
            ];
            const plan = planStack("prod", hidden, production);
            assert.deepStrictEqual(plan.items.flatMap((item) => item.refusals), []);
            const risks = Object.fromEntries(plan.items.map((item) => [item.resource, item.risks]));
            assert.deepStrictEqual(risks["secret-pacing"], ["timbal-gentle-sql-server-in-production cannot be checked here: pacing.maxDop is secret or not known until apply (the policy pack checks it)"]);
            assert.deepStrictEqual(risks["later-mode"], ["timbal-no-replace-mode-in-production cannot be checked here: mode is secret or not known until apply (the policy pack checks it)"]);
        });
    });
});
