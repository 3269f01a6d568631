import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

// Suite-wide proof that no API key leaks: every key a test uses is registered here, everything the suite produces
// (outputs, diffs, errors, log lines, provider-host output, this process's stdout/stderr) is recorded, and a root
// hook fails the run if any key shows up in any of it.

const secrets = new Set<string>();
const artifacts: { label: string; text: string }[] = [];

export function registerSecret(secret: string): string {
    secrets.add(secret);
    return secret;
}

export function recordArtifact(label: string, value: unknown): void {
    const text = typeof value === "string" ? value : value instanceof Error ? `${value.message}\n${value.stack}` : JSON.stringify(value);
    artifacts.push({ label, text: text ?? String(value) });
}

/** Assertions on what was recorded so far, for tests that want to check a leak at the point it could happen. */
export function leaksIn(text: string): string[] {
    return [...secrets].filter((secret) => text.includes(secret));
}

function tap(stream: NodeJS.WriteStream, label: string): void {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        recordArtifact(label, typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
        return write(chunk, ...rest);
    }) as typeof stream.write;
}

export const mochaHooks = {
    beforeAll(): void {
        tap(process.stdout, "stdout");
        tap(process.stderr, "stderr");
    },
    afterAll(): void {
        const totals = process.env.TIMBAL_SECRET_GUARD_DIR;
        if (totals) {
            // One job of `npm test` (scripts/test.ts), which asserts over all jobs that keys were registered and output recorded.
            fs.writeFileSync(path.join(totals, `${process.pid}.json`), JSON.stringify({ secrets: secrets.size, artifacts: artifacts.length }));
        } else {
            assert.ok(secrets.size > 0, "the suite registered no API key, so the leak check proved nothing");
            assert.ok(artifacts.length > 0, "the suite recorded nothing to check for leaks");
        }
        const leaks = artifacts.filter(({ text }) => leaksIn(text).length > 0).map(({ label }) => label);
        assert.deepStrictEqual(leaks, [], `an API key appeared in: ${leaks.join(", ")}`);
    },
};
