import * as assert from "assert";
import fc from "fast-check";
import type { Emulator } from "../../emulator";
import { validateDispatchReq } from "../../emulator/dispatch-request";
import type { ConnectorJobInputs } from "../../provider/fields/connector-job-fields";
import { createConnectorJobProvider } from "../../provider/lifecycle/connector-job-lifecycle";
import { createSession } from "../../provider/lifecycle/session";
import { containsUnknown } from "../../provider/fields/unknown";
import { toDispatchReq } from "../../provider/fields/dispatch-body";
import { emptyHome, emulator, emulatorEnv, type EngineView, UNKNOWN } from "../../harness/fixtures";

// Property-based fuzzing of check: 10,000 generated inputs, valid and not. Every outcome is either accepted, and then
// the dispatch body it maps to passes the API's request schema (the emulator's validator, written from the spec
// separately), or a list of failures each naming a field; check never throws and never sends anything.

const RUNS = 10_000;

/** Valid values most of the time, and anything at all (wrong types, bad enums, unknowns, nulls) otherwise. */
function sometimes<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
    return fc.oneof(
        { weight: 24, arbitrary: valid },
        { weight: 1, arbitrary: fc.anything() },
        { weight: 1, arbitrary: fc.constantFrom(UNKNOWN, null, "", -1, 1.5, "x".repeat(300), true, [], {}) },
    );
}

const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/);
const source = fc.record(
    {
        kind: sometimes(fc.constantFrom("postgres", "sql_server")),
        connectionRef: sometimes(name),
        table: sometimes(name),
        cursorColumn: sometimes(name),
        schema: sometimes(name),
        columns: sometimes(fc.uniqueArray(name, { minLength: 1, maxLength: 4 })),
    },
    { requiredKeys: ["kind", "connectionRef", "table", "cursorColumn"] },
);
const pacing = fc.record(
    {
        batchDelayMs: sometimes(fc.nat()),
        maxDop: sometimes(fc.nat({ max: 64 })),
        maxRowsPerSec: sometimes(fc.nat()),
        readUncommitted: sometimes(fc.boolean()),
    },
    { requiredKeys: [] },
);
const inputs = fc
    .record(
        {
            connectorId: sometimes(name),
            kbId: sometimes(fc.integer({ min: 1, max: 1_000_000 })),
            destTable: sometimes(name),
            orgId: sometimes(name),
            source: sometimes(source),
            mode: sometimes(fc.constantFrom("create", "append", "replace")),
            batchRows: sometimes(fc.nat({ max: 100_000 })),
            cursor: sometimes(fc.dictionary(name, fc.jsonValue())),
            pacing: sometimes(pacing),
            placement: sometimes(fc.constantFrom("hosted", "local")),
            triggers: sometimes(fc.jsonValue()),
            waitForCompletion: sometimes(fc.oneof(fc.boolean(), fc.record({ timeoutSeconds: fc.integer({ min: 1, max: 3600 }) }))),
            adoptJobId: sometimes(name),
        },
        { requiredKeys: ["connectorId", "kbId", "destTable", "source"] },
    )
    .chain((record) =>
        // Now and then a field that does not exist, as a typo would make.
        fc.oneof({ weight: 9, arbitrary: fc.constant(record) }, { weight: 1, arbitrary: fc.dictionary(name, fc.jsonValue(), { maxKeys: 2 }).map((extra) => ({ ...extra, ...record })) }),
    );

/** A field path (`source.columns[2]`, `cursor["odd key"]`, `["odd key"]`), a colon, then the reason. */
const FIELD_NAMED = /^([A-Za-z_$][A-Za-z0-9_$]*|\["(?:[^"\\]|\\.)*"\])(\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*: \S/;

describe(`check, fuzzed with ${RUNS} generated inputs`, function () {
    this.timeout(120_000);
    let emu: Emulator;
    before(async () => (emu = await emulator()));
    after(async () => emu.stop());

    it("accepts or names the field of every failure; never throws; never sends a request", async function () {
        const p: EngineView = createConnectorJobProvider({
            session: createSession({ env: emulatorEnv(emu), homeDir: emptyHome(), log: { info: () => undefined, warn: () => undefined } }),
        });
        let accepted = 0;
        let rejected = 0;
        await fc.assert(
            fc.asyncProperty(inputs, async (news) => {
                // JSON, as the engine sends inputs over gRPC (no undefined, no functions).
                const wire = JSON.parse(JSON.stringify(news)) as Record<string, unknown>;
                const { inputs: checked, failures = [] } = await p.check({}, wire);
                for (const failure of failures) assert.match(failure.reason, FIELD_NAMED, `not field-named: ${failure.reason}`);
                if (failures.length > 0) {
                    rejected++;
                } else {
                    accepted++;
                    if (!containsUnknown(checked)) {
                        const verdict = validateDispatchReq(JSON.parse(JSON.stringify(toDispatchReq(checked as ConnectorJobInputs))));
                        assert.ok(verdict.ok, `check accepted what the API refuses: ${!verdict.ok && verdict.message}`);
                    }
                }
            }),
            { numRuns: RUNS, seed: 20261122 },
        );
        console.log(`      ${accepted} accepted, ${rejected} rejected, 0 requests`);
        assert.strictEqual(emu.requests.length, 0, "check sent nothing");
        assert.ok(accepted > RUNS / 20 && rejected > RUNS / 20, `both outcomes were exercised: ${accepted} accepted, ${rejected} rejected`);
    });
});
