import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { urnOf, withoutUrn } from "../../provider/host/resource-rows";
import { checkInputs } from "../../provider/lifecycle/check-inputs";

// The example program, run under Pulumi's mocks: it declares the four extractions the README describes, and each
// passes the provider's check as the dynamic shell's edge hands it on (its URN, which carries its lines to its row,
// taken out).

describe("the example program", function () {
    const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

    before(async function () {
        pulumi.runtime.setConfig("timbal-connector-jobs-example:salesKbId", "101");
        pulumi.runtime.setConfig("timbal-connector-jobs-example:financeKbId", "102");
        pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                    return { id: `${args.name}-id`, state: { ...args.inputs, state: "queued", rowsEmitted: 0 } };
                },
                call: () => ({}),
            },
            "timbal-connector-jobs-example",
            "emulator",
            false,
        );
        const program = require("../../examples/index");
        await new Promise<void>((resolve) => pulumi.output(program.jobStatus).apply(() => resolve()));
    });

    it("declares three Postgres tables and one gently paced SQL Server table", function () {
        assert.deepStrictEqual(
            registered.map((r) => [r.type, r.name]),
            [
                ["pulumi-nodejs:dynamic/timbal:ConnectorJob", "warehouse-orders"],
                ["pulumi-nodejs:dynamic/timbal:ConnectorJob", "warehouse-order_items"],
                ["pulumi-nodejs:dynamic/timbal:ConnectorJob", "warehouse-customers"],
                ["pulumi-nodejs:dynamic/timbal:ConnectorJob", "erp-general-ledger"],
            ],
        );
        const ledger = registered[3].inputs;
        assert.deepStrictEqual(ledger.pacing, { readUncommitted: true, maxDop: 1, maxRowsPerSec: 1000, batchDelayMs: 250 });
    });

    it("passes check for every resource, with no warning", function () {
        for (const { name, inputs } of registered) {
            assert.match(String(urnOf(inputs)), new RegExp(`::${name}$`), `${name}: the URN its lines go to`);
            const outcome = checkInputs(withoutUrn(inputs), { orgId: "acme-dev", baseUrl: "http://127.0.0.1:8787" });
            assert.deepStrictEqual(outcome.failures, [], name);
            assert.deepStrictEqual(outcome.warnings, [], name);
        }
    });
});
