import * as assert from "assert";
import { FAULT_KINDS, type Emulator, type FaultKind } from "../emulator";
import { count, emulator, emulatorEnv, inProcessProvider, ORG, ordersInputs } from "./helpers/fixtures";
import { ProviderHost, secret, type HostCallError } from "./helpers/provider-host";
import { captureProviderText } from "./helpers/provider-text";
import { leaksIn } from "./helpers/secret-guard";

// Each fault the emulator can inject, against the provider: a dispatch ends with exactly one job, recorded under the
// resource, whatever happened to the request or its answer; reads survive failed list requests.

const QUICK = { attempts: 6, baseDelayMs: 10, maxDelayMs: 50 };

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

    it("honours Retry-After on a 429", async function () {
        const { p } = provider(emu);
        const { inputs } = await p.check({}, ordersInputs());
        emu.setFaults({ rate: 1, kinds: ["throttle429"], methods: ["POST"], limit: 1, retryAfterSeconds: 1 });
        const started = Date.now();
        await p.create(inputs);
        assert.ok(Date.now() - started >= 950, "waited as long as Retry-After said");
        assert.strictEqual(emu.world.jobs.length, 1);
    });

    it("a lost answer with an unreadable job list fails clearly and dispatches nothing more", async function () {
        const { p } = provider(emu);
        const { inputs } = await p.check({}, ordersInputs());
        // Every answer is lost: the dispatch's, and those of the list requests that would find its job.
        emu.setFaults({ rate: 1, kinds: ["lostResponse"] });
        await assert.rejects(p.create(inputs), /the answer was lost .*and the job list could not be read to find out .*Nothing more was dispatched\. Look for a job of connector "warehouse-pg" .* adopt it with adoptJobId/);
        assert.strictEqual(count(emu, "POST"), 1);
    });

    it("a refresh survives failed list requests (GET is retried)", async function () {
        const { p } = provider(emu);
        const created = await p.create((await p.check({}, ordersInputs())).inputs);
        for (const kind of ["error500", "error503", "throttle429", "reset", "lostResponse", "slowBody"] as FaultKind[]) {
            emu.setFaults({ rate: 1, kinds: [kind], methods: ["GET"], limit: 2, retryAfterSeconds: 0, slowMs: 50 });
            const read = await p.read(created.id, created.outs);
            assert.strictEqual(read.id, created.id, kind);
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
