import * as assert from "assert";
import { isFailureState } from "../../provider/jobs/terminal-states";

// Which terminal states are failures: the API does not document its state vocabulary, so failure is a list of words.

describe("unit: terminal states", function () {
    it("treats documented failure words as failure, case-insensitively, and anything else terminal as success", function () {
        for (const state of ["failed", "FAILED", "Error", "errored", "cancelled", "canceled", "aborted", "timed_out", "Timed Out", "timed-out"]) {
            assert.ok(isFailureState(state), state);
        }
        for (const state of ["succeeded", "completed", "done", "success", "finished"]) assert.ok(!isFailureState(state), state);
    });
});
