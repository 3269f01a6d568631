import * as assert from "assert";
import { checkInputs } from "../../provider/lifecycle/check-inputs";
import { ordersInputs, UNKNOWN } from "../../harness/fixtures";

// check's validation: every bad field is named with what is allowed; defaults are filled; preview unknowns pass.

const DEFAULTS = { orgId: "acme-dev", baseUrl: "https://api.timbal.ai" };

function reasons(news: Record<string, unknown>, defaults = DEFAULTS): string[] {
    return checkInputs(news, defaults).failures.map((f) => f.reason);
}

describe("check: input validation", function () {
    it("accepts a valid extraction and fills every default", function () {
        const { inputs, failures, warnings } = checkInputs(ordersInputs(), DEFAULTS);
        assert.deepStrictEqual(failures, []);
        assert.deepStrictEqual(warnings, []);
        assert.deepStrictEqual(inputs, {
            ...ordersInputs(),
            source: { ...(ordersInputs().source as object), schema: "public" },
            orgId: "acme-dev",
            baseUrl: "https://api.timbal.ai",
            mode: "create",
            placement: "hosted",
            batchRows: 5000,
        });
    });

    it("defaults the SQL Server schema to dbo and keeps an explicit org", function () {
        const { inputs } = checkInputs(
            ordersInputs({ orgId: "other", source: { kind: "sql_server", connectionRef: "erp", table: "GL", cursorColumn: "id" } }),
            DEFAULTS,
        );
        assert.strictEqual((inputs.source as { schema: string }).schema, "dbo");
        assert.strictEqual(inputs.orgId, "other");
    });

    const cases: [string, Record<string, unknown>, RegExp][] = [
        ["a missing connectorId", { connectorId: undefined }, /^connectorId: is required: the id of the Timbal connector/],
        ["an empty destTable", { destTable: "" }, /^destTable: must not be empty/],
        ["a kbId given as a string", { kbId: "101" }, /^kbId: must be an integer >= 1 .*got "101"/],
        ["a fractional kbId", { kbId: 1.5 }, /^kbId: must be an integer >= 1/],
        ["an unknown source kind", { source: { kind: "mysql", connectionRef: "w", table: "t", cursorColumn: "id" } }, /^source\.kind: must be "postgres" or "sql_server"; got "mysql"$/],
        ["a missing source", { source: undefined }, /^source: is required/],
        ["a missing cursorColumn", { source: { kind: "postgres", connectionRef: "w", table: "t" } }, /^source\.cursorColumn: is required/],
        ["an empty column list", { source: { kind: "postgres", connectionRef: "w", table: "t", cursorColumn: "id", columns: [] } }, /^source\.columns: must list at least one column; omit it/],
        ["a column listed twice", { source: { kind: "postgres", connectionRef: "w", table: "t", cursorColumn: "id", columns: ["a", "a"] } }, /^source\.columns: must not list a column twice/],
        ["a non-string column", { source: { kind: "postgres", connectionRef: "w", table: "t", cursorColumn: "id", columns: ["a", 3] } }, /^source\.columns\[1\]: must be a string/],
        ["an unknown mode", { mode: "upsert" }, /^mode: must be "create", "append" or "replace"; got "upsert"$/],
        ["an unknown placement", { placement: "cloud" }, /^placement: must be "hosted" or "local"; got "cloud"$/],
        ["a negative batchRows", { batchRows: -1 }, /^batchRows: must be an integer between 0 and 2147483647/],
        ["a cursor that is not an object", { cursor: [1, 2] }, /^cursor: must be a JSON object/],
        ["a negative pacing delay", { pacing: { batchDelayMs: -5 } }, /^pacing\.batchDelayMs: must be an integer >= 0/],
        ["a non-boolean readUncommitted", { pacing: { readUncommitted: "yes" } }, /^pacing\.readUncommitted: must be true or false; got "yes"$/],
        ["a misspelled input", { destTabel: "x" }, /^destTabel: is not a ConnectorJob input\. Did you mean "destTable"\? Allowed here: connectorId, kbId/],
        ["a snake_case input", { dest_table: "x" }, /^dest_table: is not a ConnectorJob input\. Did you mean "destTable"\?/],
        ["a misspelled pacing field", { pacing: { maxRowsPerSecond: 10 } }, /^pacing\.maxRowsPerSecond: is not a ConnectorJob input\. Did you mean "maxRowsPerSec"\?/],
        ["an API key as an input", { apiKey: "k" }, /^apiKey: credentials are never resource inputs .*pulumi config set --secret timbal:apiKey/],
    ];
    for (const [what, overrides, expected] of cases) {
        it(`names the field for ${what}`, function () {
            const found = reasons(ordersInputs(overrides));
            assert.strictEqual(found.length, 1, found.join("\n"));
            assert.match(found[0], expected);
        });
    }

    it("reports one failure per bad field, all at once", function () {
        const found = reasons({ kbId: 0, mode: "x", placement: "y", source: { kind: "z" } });
        for (const field of ["connectorId", "kbId", "destTable", "mode", "placement", "source.kind", "source.connectionRef", "source.table", "source.cursorColumn"]) {
            assert.ok(found.some((r) => r.startsWith(`${field}: `)), `${field} missing from:\n${found.join("\n")}`);
        }
        assert.strictEqual(found.length, 9);
    });

    it("never sets a failure property, so the engine prints our reason instead of echoing the raw value", function () {
        const { failures } = checkInputs(ordersInputs({ kbId: "x" }), DEFAULTS);
        assert.strictEqual(failures.length, 1, "the bad kbId must fail");
        assert.match(failures[0].reason, /^kbId: /);
        assert.strictEqual(failures[0].property, "");
    });

    it("fails clearly when no org is configured anywhere", function () {
        const found = reasons(ordersInputs(), { orgId: undefined as unknown as string, baseUrl: DEFAULTS.baseUrl });
        assert.deepStrictEqual(found.length, 1);
        assert.match(found[0], /^orgId: no Timbal org is configured\. Set it .*pulumi config set timbal:orgId <org>.*TIMBAL_ORG_ID/);
    });

    it("accepts unknown values anywhere during preview, including a whole object", function () {
        assert.deepStrictEqual(reasons(ordersInputs({ kbId: UNKNOWN, connectorId: UNKNOWN, source: UNKNOWN, pacing: { maxRowsPerSec: UNKNOWN } })), []);
        assert.deepStrictEqual(reasons(ordersInputs({ orgId: UNKNOWN })), []);
    });

    it("still reports known bad fields next to unknown ones", function () {
        assert.deepStrictEqual(reasons(ordersInputs({ kbId: UNKNOWN, mode: "upsert" })).length, 1);
    });

    it("treats null as not set", function () {
        const { failures, inputs } = checkInputs(ordersInputs({ mode: null, pacing: null, triggers: null }), DEFAULTS);
        assert.deepStrictEqual(failures, []);
        assert.strictEqual(inputs.mode, "create");
        assert.ok(!("pacing" in inputs) && !("triggers" in inputs));
    });

    it("accepts SQL-Server-only pacing on a Postgres source, with a warning naming the field", function () {
        const { failures, warnings } = checkInputs(ordersInputs({ pacing: { maxDop: 1, readUncommitted: true } }), DEFAULTS);
        assert.deepStrictEqual(failures, []);
        assert.deepStrictEqual(warnings.length, 2);
        assert.match(warnings[0], /^pacing\.maxDop applies to SQL Server sources only; the postgres source "orders" ignores it$/);
        assert.match(warnings[1], /^pacing\.readUncommitted applies to SQL Server sources only/);
    });

    it("accepts any JSON as triggers and a JSON object as cursor", function () {
        const { failures } = checkInputs(ordersInputs({ triggers: [1, "a", { b: null }], cursor: { updated_at: "2026-01-01", id: 5 } }), DEFAULTS);
        assert.deepStrictEqual(failures, []);
    });
});
