import * as assert from "assert";
import { TimbalApiError } from "../../provider/api/client";
import { withMaskedErrors } from "../../provider/lifecycle/masked-errors";
import { PartialFailure } from "../../provider/lifecycle/partial-failure";

// The last line of defence for the key: whatever a lifecycle method throws leaves it masked. The provider's own
// errors keep their type and fields (the engine reads a PartialFailure's id and properties); any other error, which
// may carry a request and its headers, becomes a plain Error.

const KEY = "tk_unit_secret_123";

function throwing(err: unknown) {
    const fail = async (): Promise<never> => {
        throw err;
    };
    return withMaskedErrors(() => KEY, { configure: fail, check: fail, diff: fail, create: fail, read: fail, update: fail, delete: fail });
}

describe("unit: errors leave the provider with the key masked", function () {
    it("a PartialFailure keeps its type, id and properties; its message and reasons are masked", async function () {
        const err = await throwing(new PartialFailure(`job failed for Bearer ${KEY}`, "job_1", { state: "failed" })).create({}).catch((e) => e);
        assert.ok(err instanceof PartialFailure);
        assert.strictEqual(err.id, "job_1");
        assert.deepStrictEqual(err.properties, { state: "failed" });
        assert.strictEqual(err.message, "job failed for Bearer [redacted]");
        assert.deepStrictEqual(err.reasons, ["job failed for Bearer [redacted]"]);
        assert.ok(!String(err.stack).includes(KEY), "nor in the stack");
    });

    it("a TimbalApiError keeps its kind and status", async function () {
        const err = await throwing(new TimbalApiError(`rejected ${KEY}`, "rejected", 422)).read("job_1", {}).catch((e) => e);
        assert.ok(err instanceof TimbalApiError);
        assert.deepStrictEqual([err.kind, err.status, err.message], ["rejected", 422, "rejected [redacted]"]);
    });

    it("an error that carries anything else (a request's headers) becomes a plain Error with the message masked", async function () {
        const foreign = Object.assign(new Error(`socket hang up (${encodeURIComponent(KEY)})`), { config: { headers: { Authorization: `Bearer ${KEY}` } } });
        for (const thrown of [foreign, `a string with ${KEY}`]) {
            const err = await throwing(thrown).diff("job_1", {}, {}).catch((e) => e);
            assert.strictEqual(Object.getPrototypeOf(err), Error.prototype);
            assert.ok(!JSON.stringify({ ...err, message: err.message, stack: err.stack }).includes(KEY), JSON.stringify(err));
            assert.match(err.message, /\[redacted\]/);
        }
    });
});
