import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FAULT_KINDS, type Emulator, type FaultKind } from "../../emulator";
import { count, emulator, emulatorEnv, inProcessProvider, ORG, ordersInputs, QUICK_RETRY } from "../../harness/fixtures";
import { ProviderHost, secret, type HostCallError } from "../../harness/provider-host";
import { captureProviderText } from "../../harness/provider-text";
import { leaksIn, recordArtifact } from "../../harness/secret-guard";
import { VirtualClock } from "../../harness/virtual-clock";
import { PartialFailure } from "../../provider/lifecycle/partial-failure";

async function partialFailure(promise: Promise<unknown>): Promise<PartialFailure> {
    const err = await promise.then(
        () => assert.fail("expected a partial failure"),
        (e: unknown) => e,
    );
    recordArtifact("provider error", err);
    assert.ok(err instanceof PartialFailure, `expected a partial failure, got: ${err}`);
    return err;
}

// Each fault the emulator can inject, against the provider: a dispatch ends with exactly one job, recorded under the
// resource, whatever happened to the request or its answer; reads survive failed list requests.

/** Short pauses, but as many attempts as the default: these servers fail at random, then recover. */
const QUICK = { ...QUICK_RETRY, attempts: 6, maxDelayMs: 50 };

const provider = (emu: Emulator) => inProcessProvider(emulatorEnv(emu), { timeoutMs: 1000, retry: QUICK });

describe("dispatch under injected faults", function () {
    let emu: Emulator;
    beforeEach(async () => (emu = await emulator({ faults: { rate: 0, retryAfterSeconds: 0, slowMs: 50 } })));
    afterEach(async () => emu.stop());

    for (const kind of FAULT_KINDS) {
        it(`${kind} on the dispatch: exactly one job, and the resource records it`, async function () {
            const { p } = provider(emu);
            const { inputs } = await p.check({}, ordersInputs());
            emu.setFaults({ rate: 1, kinds: [kind], methods: ["POST"], limit: 1, retryAfterSeconds: 0, slowMs: 50 });
            const created = await p.create(inputs);
            assert.strictEqual(emu.world.jobs.length, 1, "one job, never two");
            assert.strictEqual(created.id, emu.world.jobs[0].id, "the resource records the job that exists");
            assert.strictEqual(emu.requests.filter((r) => r.fault === kind).length, 1, "the fault struck");
        });
    }

    const lostAnswers: FaultKind[] = ["lostResponse", "gateway502", "gateway504"];
    for (const kind of lostAnswers) {
        it(`${kind}: finds the job the lost answer was about and adopts it instead of dispatching again`, async function () {
            const { p, lines } = provider(emu);
            const { inputs } = await p.check({}, ordersInputs());
            emu.setFaults({ rate: 1, kinds: [kind], methods: ["POST"], limit: 1 });
            await p.create(inputs);
            assert.strictEqual(count(emu, "POST"), 1);
            assert.match(lines.join("\n"), /the answer was lost .*Found job job_\w+ .* created since: adopting it, not dispatching again/);
        });
    }

    it("a dispatch that created nothing (reset before processing) is sent again, once", async function () {
        const { p, lines } = provider(emu);
        emu.setFaults({ rate: 1, kinds: ["reset"], methods: ["POST"], limit: 1 });
        await p.create((await p.check({}, ordersInputs())).inputs);
        assert.strictEqual(count(emu, "POST"), 2);
        assert.strictEqual(emu.world.jobs.length, 1);
        assert.match(lines.join("\n"), /The job list shows no new job of .*: dispatching again/);
    });

    it("honours Retry-After on a 429: the emulator's header sets the client's pause", async function () {
        // In virtual time: the pause costs no real second. unit/retry.test.ts checks the retry loop's pause and the
        // header's reading to the millisecond; this checks that the header of a real answer reaches them.
        const clock = new VirtualClock(Date.now());
        const { p } = inProcessProvider(emulatorEnv(emu), { timeoutMs: 1000, retry: QUICK, clock });
        const { inputs } = await p.check({}, ordersInputs());
        emu.setFaults({ rate: 1, kinds: ["throttle429"], methods: ["POST"], limit: 1, retryAfterSeconds: 7 });
        await clock.runOverIo(p.create(inputs));
        assert.deepStrictEqual(clock.sleeps, [7000], "one pause, as long as Retry-After said (the policy's own pauses are at most 50 ms)");
        assert.strictEqual(count(emu, "POST"), 2);
        assert.strictEqual(emu.world.jobs.length, 1);
    });

    it("a lost answer with an unreadable job list keeps the resource as unconfirmed; the next up finds the job, dispatching nothing", async function () {
        const { p, lines } = inProcessProvider(emulatorEnv(emu), { timeoutMs: 1000, retry: QUICK, reconcileForMs: 300 });
        const { inputs } = await p.check({}, ordersInputs({ mode: "append" }));
        // Every answer is lost: the dispatch's, and those of the list requests that would find its job.
        emu.setFaults({ rate: 1, kinds: ["lostResponse"] });
        const err = await partialFailure(p.create(inputs));
        assert.match(err.message, /the answer was lost .*and the job list could not be read to find out .*Nothing more was dispatched\. The resource is kept as unconfirmed: the next `pulumi up` looks in the job list for a job of connector "warehouse-pg" → KB 101 table "orders" .* before it dispatches anything/);
        assert.match(err.id, /^unconfirmed-dispatch-/);
        assert.strictEqual(err.properties.state, "unconfirmed");
        assert.ok(lines.some((l) => /the job list cannot be read yet .*Trying again in/.test(l)), "the list read is repeated before giving up");
        assert.strictEqual(count(emu, "POST"), 1);
        assert.strictEqual(emu.world.jobs.length, 1, "the lost answer did create the job");

        // The next up, in a new provider process (another machine: no journal): the engine asks diff about the
        // unconfirmed resource, which replaces it; the replacement's create finds the job instead of dispatching.
        emu.setFaults(undefined);
        const next = inProcessProvider(emulatorEnv(emu), { timeoutMs: 1000, retry: QUICK });
        const checked = (await next.p.check(err.properties, ordersInputs({ mode: "append" }))).inputs;
        const diff = await next.p.diff(err.id, err.properties, checked);
        const { changes, replaces, deleteBeforeReplace } = diff;
        assert.deepStrictEqual({ changes, replaces, deleteBeforeReplace }, { changes: true, replaces: ["unconfirmedDispatchSince"], deleteBeforeReplace: false });
        const created = await next.p.create(checked);
        assert.strictEqual(created.id, emu.world.jobs[0].id, "the job the lost answer created");
        assert.strictEqual(count(emu, "POST"), 1, "nothing dispatched again");
        assert.match(next.lines.join("\n"), /was never confirmed; found its job job_\w+ in the job list: recording it, not dispatching again/);
        assert.ok(!next.lines.some((line) => line.startsWith("dispatched job")), "no line says a job was dispatched");
        await next.p.delete(err.id, err.properties); // the unconfirmed placeholder goes quietly
    });

    it("an unconfirmed dispatch that created nothing is dispatched by the next up, once", async function () {
        const { p } = inProcessProvider(emulatorEnv(emu), { timeoutMs: 1000, retry: QUICK, reconcileForMs: 300 });
        const { inputs } = await p.check({}, ordersInputs());
        // A 500 on the dispatch (ambiguous to the client, though this one was refused before processing), and a list
        // that cannot be read.
        emu.setFaults({ rate: 1, kinds: ["error500"] });
        const err = await partialFailure(p.create(inputs));
        assert.strictEqual(count(emu, "POST"), 1);
        assert.strictEqual(emu.world.jobs.length, 0);
        emu.setFaults(undefined);
        const next = inProcessProvider(emulatorEnv(emu), { timeoutMs: 1000, retry: QUICK });
        const checked = (await next.p.check(err.properties, ordersInputs())).inputs;
        await next.p.diff(err.id, err.properties, checked);
        const created = await next.p.create(checked);
        assert.strictEqual(emu.world.jobs.length, 1);
        assert.strictEqual(created.id, emu.world.jobs[0].id);
        assert.match(next.lines.join("\n"), /the job list shows no job of it created since: dispatching now/);
    });

    it("a refresh survives failed list requests (GET is retried)", async function () {
        const { p } = provider(emu);
        const created = await p.create((await p.check({}, ordersInputs())).inputs);
        assert.strictEqual(created.outs.createdAt, "", "create records the placeholder status");
        for (const kind of ["error500", "error503", "throttle429", "reset", "lostResponse", "slowBody"] as FaultKind[]) {
            emu.setFaults({ rate: 1, kinds: [kind], methods: ["GET"], limit: 2, retryAfterSeconds: 0, slowMs: 50 });
            const before = emu.requests.length;
            const read = await p.read(created.id, created.outs);
            const gets = emu.requests.slice(before).filter((r) => r.method === "GET");
            assert.ok(gets[0]?.fault === kind, `${kind} did not strike the first list request`);
            assert.strictEqual(gets[gets.length - 1].status, 200, `${kind}: the last attempt was answered`);
            // The status came from the list (the placeholder has no createdAt), not from the props passed in.
            assert.strictEqual(read.id, created.id, kind);
            assert.strictEqual(read.props?.createdAt, new Date(Math.round(emu.world.jobs[0].createdAt)).toISOString(), kind);
        }
    });
});

describe("a lost answer, then an unreadable job list, then the next create, through the real provider host", function () {
    this.timeout(120_000);

    it("the next create (a new host process on this machine) records the job the lost answer created: one job", async function () {
        const emu = await emulator();
        const journal = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-journal-"));
        const providerText = await captureProviderText(ordersInputs() as any);
        const config = { "timbal:apiKey": secret(emu.apiKey), "timbal:orgId": ORG, "timbal:baseUrl": emu.url };
        const first = await ProviderHost.start(providerText, { TIMBAL_DISPATCH_JOURNAL_DIR: journal, TIMBAL_RECONCILE_FOR_MS: "500" });
        let second: ProviderHost | undefined;
        try {
            await first.configure(config);
            const { inputs } = await first.check(ordersInputs({ mode: "append" }));
            emu.setFaults({ rate: 1, kinds: ["lostResponse"] });
            await assert.rejects(first.create(inputs), (err: HostCallError) => {
                assert.match(err.details, /the answer was lost .*the job list could not be read to find out.*kept as unconfirmed/);
                return true;
            });
            assert.strictEqual(emu.world.jobs.length, 1);
            await first.stop(); // as a CLI that gave up, or was killed, would leave it

            // The engine has no id for the resource (a pending create, or a failed one): it calls create again.
            emu.setFaults(undefined);
            second = await ProviderHost.start(providerText, { TIMBAL_DISPATCH_JOURNAL_DIR: journal });
            await second.configure(config);
            const created = await second.create((await second.check(ordersInputs({ mode: "append" }))).inputs);
            assert.strictEqual(emu.world.jobs.length, 1, "one job, never two");
            assert.strictEqual(created.id, emu.world.jobs[0].id);
            assert.strictEqual(count(emu, "POST"), 1);
            await second.waitForOutput(/found its job job_\w+ in the job list: recording it, not dispatching again/);
        } finally {
            await second?.stop();
            await emu.stop();
        }
    });
});

describe("an API that echoes the request back into its errors", function () {
    it("never shows the key: the provider masks it in every message, through the real host", async function () {
        const emu = await emulator({ echoRequestHeaders: true });
        const host = await ProviderHost.start(await captureProviderText(ordersInputs() as any));
        try {
            await host.configure({ "timbal:apiKey": secret(emu.apiKey), "timbal:orgId": ORG, "timbal:baseUrl": emu.url });
            const { inputs } = await host.check(ordersInputs({ placement: "local" }));
            await assert.rejects(host.create(inputs), (err: HostCallError) => {
                assert.match(err.details, /placement local needs the kb:local capability.*request headers: .*"authorization":"Bearer \[redacted\]"/);
                assert.deepStrictEqual(leaksIn(err.details), []);
                return true;
            });
            assert.ok(emu.requests.some((r) => r.status === 422), "the API did answer with the echo");
        } finally {
            await host.stop();
            await emu.stop();
        }
    });
});
