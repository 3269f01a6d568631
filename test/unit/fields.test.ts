import * as assert from "assert";
import { validateDispatchReq } from "../../emulator/dispatch-request";
import { toDispatchReq, INPUT_OF_WIRE_NAME } from "../../provider/fields/dispatch-body";
import { checkInputs } from "../../provider/lifecycle/check-inputs";
import { flatten } from "../../provider/fields/field-declaration";
import { CONNECTOR_JOB_FIELDS } from "../../provider/fields/connector-job-fields";
import { JOB_STATUS_FIELDS, toJobStatus } from "../../provider/fields/status-fields";
import { UNKNOWN as PROVIDER_UNKNOWN } from "../../provider/fields/unknown";
import { typeText } from "../../provider/fields/validators";
import { ORG, ordersInputs, UNKNOWN } from "../../harness/fixtures";

// What derives from the field declarations: the dispatch body, the wire names an API message is read for, the status.

/** Every input set, so that every sent field appears in the body. */
const FULL = ordersInputs({
    source: { kind: "sql_server", connectionRef: "erp", table: "invoices", cursorColumn: "id", schema: "sales", columns: ["id", "total"] },
    mode: "append",
    batchRows: 1000,
    cursor: { id: 41 },
    pacing: { batchDelayMs: 5, maxDop: 1, maxRowsPerSec: 100, readUncommitted: true },
    placement: "local",
    triggers: { rerun: 2 },
    waitForCompletion: { timeoutSeconds: 60 },
    allowReplaceInProduction: true,
});

describe("unit: what derives from the field declarations", function () {
    it("every field sent in the body is in the dispatch request under its wire name, which the API's spec accepts", function () {
        const { inputs, failures } = checkInputs(FULL, { orgId: ORG, baseUrl: "https://api.timbal.ai" });
        assert.deepStrictEqual(failures, []);
        const body = toDispatchReq(inputs);
        const sent = JSON.stringify(body);
        for (const { path, declared } of flatten(CONNECTOR_JOB_FIELDS)) {
            if (declared.sent && "body" in declared.sent) assert.ok(sent.includes(`"${declared.sent.body}":`), `${path} is sent as ${declared.sent.body}: ${sent}`);
        }
        const verdict = validateDispatchReq(JSON.parse(JSON.stringify(body)));
        assert.ok(verdict.ok, !verdict.ok ? verdict.message : "");
        assert.strictEqual(JSON.stringify(body).includes("triggers"), false, "fields that are not sent stay out");
    });

    it("names the input behind each wire name an API message may use, but not ordinary words", function () {
        assert.strictEqual(INPUT_OF_WIRE_NAME.kb_id, "kbId");
        assert.strictEqual(INPUT_OF_WIRE_NAME.max_dop, "pacing.maxDop");
        assert.strictEqual(INPUT_OF_WIRE_NAME.connection_ref, "source.connectionRef");
        assert.strictEqual(INPUT_OF_WIRE_NAME.table, undefined);
        assert.strictEqual(INPUT_OF_WIRE_NAME.source, undefined);
    });

    it("every field a program writes has a doc and a type the README can show", function () {
        for (const { path, declared } of flatten(CONNECTOR_JOB_FIELDS)) {
            assert.ok(declared.doc.length > 10, `${path} has a doc`);
            if (declared.kind === "field" && declared.from !== "settings") assert.ok(typeText(declared.schema), `${path} has a type`);
        }
    });

    it("the status is read field by field from the job list, nulls left out", function () {
        const status = toJobStatus({
            id: "job_1",
            connector_id: "c",
            kb_uid: "kb",
            dest_table: "t",
            mode: "create",
            state: "running",
            rows_emitted: 5,
            created_at: "2026-11-28T12:00:00Z",
            updated_at: "2026-11-28T12:00:01Z",
            started_at: "2026-11-28T12:00:00Z",
            finished_at: null,
            rows_per_sec: 2.5,
        });
        assert.deepStrictEqual(status, {
            state: "running",
            rowsEmitted: 5,
            kbUid: "kb",
            createdAt: "2026-11-28T12:00:00Z",
            updatedAt: "2026-11-28T12:00:01Z",
            startedAt: "2026-11-28T12:00:00Z",
            rowsPerSec: 2.5,
        });
        assert.strictEqual(JOB_STATUS_FIELDS.length, 11);
    });

    it("the provider's unknown-value placeholder is the Pulumi SDK's", function () {
        assert.strictEqual(PROVIDER_UNKNOWN, UNKNOWN);
    });
});
