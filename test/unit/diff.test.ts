import * as assert from "assert";
import { adoptionConflicts, diffInputs, fieldDiffs } from "../../provider/lifecycle/diff";
import { checkInputs } from "../../provider/lifecycle/check-inputs";
import { CONNECTOR_JOB_FIELDS, IN_PLACE_FIELDS, INPUT_FIELDS, REDISPATCH_FIELDS, type ConnectorJobInputs } from "../../provider/fields/connector-job-fields";
import { ORG, ordersInputs, UNKNOWN } from "../../harness/fixtures";

// The diff: which changes dispatch a new job and which change in place, as each field declares it.

const ID = "job_1";

function checked(overrides: Record<string, unknown> = {}): ConnectorJobInputs {
    const { inputs, failures } = checkInputs(ordersInputs(overrides), { orgId: ORG, baseUrl: "https://api.timbal.ai" });
    assert.deepStrictEqual(failures, []);
    return inputs;
}

/** State as the provider keeps it: the checked inputs and a status. */
const olds = { ...checked({ waitForCompletion: true, cursor: { id: 5, at: "x" } }), state: "running", rowsEmitted: 10, __provider: "p1" };

describe("unit: the diff", function () {
    it("the same inputs are no change, whatever the status, the provider code or key order", function () {
        const news = { ...checked({ waitForCompletion: true, cursor: { at: "x", id: 5 } }), __provider: "p2" };
        assert.deepStrictEqual(diffInputs(ID, olds, news), { changes: false, replaces: [] });
    });

    it("every field declared to re-dispatch is a replacement naming exactly it; every in-place field is an update", function () {
        assert.ok(REDISPATCH_FIELDS.length >= 10 && IN_PLACE_FIELDS.length >= 2);
        for (const field of REDISPATCH_FIELDS) {
            const diff = diffInputs(ID, olds, { ...olds, [field]: { changed: field } });
            assert.deepStrictEqual(diff, { changes: true, replaces: [field] }, field);
        }
        for (const field of IN_PLACE_FIELDS) {
            const diff = diffInputs(ID, olds, { ...olds, [field]: { changed: field } });
            assert.deepStrictEqual(diff, { changes: true, replaces: [] }, field);
        }
    });

    it("the declarations sort every input into exactly one kind of change", function () {
        const adopt = INPUT_FIELDS.filter((field) => CONNECTOR_JOB_FIELDS[field].onChange === "adopt");
        assert.deepStrictEqual([...REDISPATCH_FIELDS, ...IN_PLACE_FIELDS, ...adopt].sort(), [...INPUT_FIELDS].sort());
        assert.deepStrictEqual(adopt, ["adoptJobId"]);
    });

    it("a value not known yet (preview), even deep inside, may differ: it counts as a change", function () {
        const news = { ...olds, source: { ...olds.source, table: UNKNOWN } };
        assert.deepStrictEqual(diffInputs(ID, olds, news).replaces, ["source"]);
    });

    it("adoptJobId: naming the tracked job, or removing it, is no change; naming another job is a replacement", function () {
        const adopted = { ...olds, adoptJobId: ID };
        assert.strictEqual(diffInputs(ID, adopted, adopted).changes, false);
        assert.strictEqual(diffInputs(ID, adopted, olds).changes, false);
        assert.deepStrictEqual(diffInputs(ID, adopted, { ...olds, adoptJobId: "job_2" }).replaces, ["adoptJobId"]);
    });

    it("the field-level diff names the changed paths with their kind, never a status output; a run policy's reason is shown on its field", function () {
        const news = { ...checked({ waitForCompletion: true, cursor: { id: 5, at: "x" } }), pacing: { maxRowsPerSec: 250 }, rerunAfter: "23h", __provider: "p2" };
        const { replaces } = diffInputs(ID, olds, news);
        assert.deepStrictEqual(replaces, ["pacing"]);
        assert.deepStrictEqual(fieldDiffs(olds, news, INPUT_FIELDS, replaces).sort((a, b) => a.path.localeCompare(b.path)), [
            { path: "pacing", kind: "add", replaces: true },
            { path: "rerunAfter", kind: "add", replaces: false },
        ]);
        const policyOnly = fieldDiffs(olds, { ...olds, rerunAfter: "24h" }, INPUT_FIELDS, ["rerunAfter"]);
        assert.deepStrictEqual(policyOnly, [{ path: "rerunAfter", kind: "add", replaces: true }]);
        const sameInputs = fieldDiffs({ ...olds, rerunAfter: "24h" }, { ...olds, rerunAfter: "24h", state: undefined }, INPUT_FIELDS, ["rerunAfter"]);
        assert.deepStrictEqual(sameInputs, [{ path: "rerunAfter", kind: "update", replaces: true }], "the policy's field, unchanged, is the reason; the status is no change");
    });

    it("a resource pinned to an adopted job refuses a change that needs a new job, naming the fields", function () {
        const adopted = { ...olds, adoptJobId: ID };
        const [conflict] = adoptionConflicts(adopted, { ...adopted, destTable: "orders_v2", batchRows: 10 });
        assert.match(conflict, /pinned to the adopted job job_1, so a change to destTable, batchRows cannot dispatch a new job/);
        assert.deepStrictEqual(adoptionConflicts(adopted, { ...adopted, waitForCompletion: false }), [], "an in-place change is fine");
    });

    it("a resource imported by its job id learns in place what the job list could not tell; a later change still needs a new job", function () {
        // What `pulumi import` records: the job list's connector, table and mode, pinned with adoptJobId.
        const imported = { connectorId: "warehouse-pg", destTable: "orders", mode: "create", adoptJobId: ID, orgId: ORG, baseUrl: "https://api.timbal.ai", state: "succeeded" };
        const declared = { ...checked(), adoptJobId: ID };
        const diff = diffInputs(ID, imported, declared);
        assert.deepStrictEqual(diff.replaces, []);
        assert.strictEqual(diff.changes, true);
        const learntChanges = fieldDiffs(imported, declared, INPUT_FIELDS, diff.replaces);
        assert.deepStrictEqual([...new Set(learntChanges.map((change) => change.path.split(".")[0]))].sort(), ["batchRows", "kbId", "placement", "source"]);
        assert.ok(learntChanges.every((change) => change.kind === "add" && !change.replaces), JSON.stringify(learntChanges));
        assert.deepStrictEqual(adoptionConflicts(imported, declared), []);
        // Once learnt, the resource is as any adopted one: a changed destination is refused, never re-adopted.
        const learnt = { ...declared, state: "succeeded" };
        assert.match(adoptionConflicts(learnt, { ...declared, kbId: 102 })[0], /a change to kbId cannot dispatch a new job/);
        const unpinned = diffInputs(ID, { ...imported, adoptJobId: undefined }, declared);
        assert.deepStrictEqual(unpinned.replaces.sort(), ["batchRows", "kbId", "placement", "source"], "only while pinned to the job it was imported from");
    });
});
