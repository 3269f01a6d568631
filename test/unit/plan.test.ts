import * as assert from "assert";
import { changedPaths } from "../../plan/plan";

// timbal-plan's field paths, on values the CLI tests do not reach.

describe("timbal-plan: changed field paths", function () {
    it("tells apart two long values that differ only past the shown length", function () {
        const prefix = "x".repeat(120);
        const found = changedPaths({ note: `${prefix}-one` }, { note: `${prefix}-two` }, "triggers");
        assert.strictEqual(found.length, 1);
        assert.strictEqual(found[0].path, "triggers.note");
        assert.ok(found[0].old.endsWith("…") && found[0].new.endsWith("…"), "long values are shown cut");
    });

    it("counts key order as no change", function () {
        assert.deepStrictEqual(changedPaths({ a: [{ x: 1, y: 2 }] }, { a: [{ y: 2, x: 1 }] }, "triggers"), []);
    });
});
