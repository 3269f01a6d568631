import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob, type ConnectorJobArgs } from "../../provider/resource/connector-job";

// The dynamic shell's ConnectorJob under Pulumi's mocks, with the registrations it makes recorded: the options its
// completion takes from the job's (as the plugin's Construct passes them on: test/host/plugin-service.test.ts), and
// customTimeouts on a job that waits refused before anything is registered.

const KEPT_WAIT = { timeoutSeconds: 7, pollIntervalSeconds: 1 };

describe("unit: the options of a TypeScript ConnectorJob and its completion", function () {
    const requests: any[] = [];

    before(async function () {
        await pulumi.runtime.setMocks(
            {
                // The job "kept" keeps the wait its state had, as the engine does for an input the program ignores changes to.
                newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...(args.name === "kept" && { waitForCompletion: KEPT_WAIT }), state: "succeeded" } }),
                call: () => ({}),
            },
            "options",
            "test",
            false,
        );
        const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (request: any, callback: unknown) => {
            requests.push(request);
            return register(request, callback);
        };
    });

    const args = (destTable: string, more: Partial<ConnectorJobArgs> = {}): ConnectorJobArgs => ({
        connectorId: "warehouse-pg",
        kbId: 101,
        destTable,
        source: { kind: "postgres", connectionRef: "warehouse", table: "orders", cursorColumn: "updated_at" },
        ...more,
    });
    const registered = (name: string) => requests.find((request) => request.getName() === name);

    it("a job that waits: its completion takes protect, retainOnDelete, deletedWith and the secret status outputs, not the job's other options", async function () {
        const other = new ConnectorJob("other", args("other"));
        const job = new ConnectorJob("waits", args("waits", { waitForCompletion: true }), {
            protect: true,
            retainOnDelete: true,
            deletedWith: other,
            additionalSecretOutputs: ["message", "rowsEmitted", "destTable"],
            ignoreChanges: ["kbId"],
            aliases: [{ name: "old" }],
        });
        await new Promise((resolve) => job.completion!.urn.apply(resolve));
        const otherUrn = await new Promise((resolve) => other.urn.apply(resolve));
        const jobRequest = registered("waits");
        const completion = registered("waits-completion");
        assert.deepStrictEqual([jobRequest.getIgnorechangesList(), jobRequest.getAdditionalsecretoutputsList()], [["kbId"], ["message", "rowsEmitted", "destTable"]], "the job: its options");
        assert.deepStrictEqual(
            [completion.getProtect(), completion.getRetainondelete(), completion.getDeletedwith(), completion.getAdditionalsecretoutputsList()],
            [true, true, otherUrn, ["message", "rowsEmitted"]],
            "the completion: protect, retainOnDelete, deletedWith, and the secret status outputs",
        );
        assert.deepStrictEqual([completion.getIgnorechangesList(), completion.getAliasesList().length], [[], 0], "not the job's own options");
    });

    it("the completion's inputs are the job's outputs: a wait the job keeps (ignoreChanges) is the wait its completion gets, as in the plugin", async function () {
        const job = new ConnectorJob("kept", args("kept", { waitForCompletion: { timeoutSeconds: 60 } }), { ignoreChanges: ["waitForCompletion"] });
        await new Promise((resolve) => job.completion!.urn.apply(resolve));
        assert.deepStrictEqual(registered("kept-completion").getObject().toJavaScript().waitForCompletion, KEPT_WAIT);
    });

    it("customTimeouts on a job that waits is refused before anything is registered, pointing at waitForCompletion.timeoutSeconds; on a job that does not wait it stays", async function () {
        const before = requests.length;
        assert.throws(
            () => new ConnectorJob("bounded", args("bounded", { waitForCompletion: { timeoutSeconds: 60 } }), { customTimeouts: { create: "10m" } }),
            /bounded: customTimeouts does not bound a job's wait .* set waitForCompletion\.timeoutSeconds/,
        );
        assert.strictEqual(requests.length, before, "nothing registered");
        const quick = new ConnectorJob("bounded-quick", args("bounded_quick"), { customTimeouts: { create: "10m" } });
        await new Promise((resolve) => quick.urn.apply(resolve));
        assert.strictEqual(registered("bounded-quick").getCustomtimeouts()?.getCreate(), "10m");
    });
});
