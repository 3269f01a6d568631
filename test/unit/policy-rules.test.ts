import * as assert from "assert";
import { planStack } from "../../plan/plan";
import type { PreviewStep } from "../../plan/preview";
import { pluginType } from "../../provider/fields/type-tokens";
import { JOB_RULES, readsGently, ruleConfig, ruleDisabled, type ReviewedJob } from "../../provider/review/policy-rules";

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

    it("a rule's config: the file's values over the declared defaults; a rule turned off by name or by all", function () {
        const bounds = JOB_RULES.find((rule) => rule.name === "timbal-batch-and-rate-bounds")!;
        assert.deepStrictEqual(ruleConfig(bounds, undefined), { minBatchRows: 100, maxBatchRows: 50000, maxRowsPerSec: 20000 });
        assert.deepStrictEqual(ruleConfig(bounds, { maxBatchRows: 20000, minBatchRows: "x" }), { minBatchRows: 100, maxBatchRows: 20000, maxRowsPerSec: 20000 });
        assert.strictEqual(ruleDisabled(bounds, { [bounds.name]: "disabled" }), true);
        assert.strictEqual(ruleDisabled(bounds, { [bounds.name]: { enforcementLevel: "disabled" } }), true);
        assert.strictEqual(ruleDisabled(bounds, { all: "disabled" }), true);
        assert.strictEqual(ruleDisabled(bounds, { all: "disabled", [bounds.name]: "mandatory" }), false);
    });

    describe("timbal-plan applies the rules with the stack's policy config", function () {
        const step = (name: string, op: string, inputs: Record<string, unknown>): PreviewStep => ({
            op,
            urn: `urn:pulumi:prod::p::${pluginType("connectorJob")}::${name}`,
            stack: "prod",
            name,
            type: pluginType("connectorJob"),
            ...(op === "delete" ? { old: { type: pluginType("connectorJob"), inputs, outputs: {} } } : { new: { type: pluginType("connectorJob"), inputs, outputs: {} } }),
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
    });
});
