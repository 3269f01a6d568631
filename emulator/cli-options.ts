import { parseArgs } from "util";
import { FAULT_KINDS, type EmulatorOptions, type FaultKind } from "./index";
import { readSeedFile } from "./seed";

// The command line of `timbal-emulator`: every flag checked before anything starts, so that a typo is one line that
// names the flag and the fix (exit 2), never a stack trace or a server that answers 500.

export const USAGE = `Usage: timbal-emulator [options]

A local Timbal connector-jobs API on 127.0.0.1, to point a stack at (timbal:baseUrl) without an account.

Options:
  --port <n>             port to listen on, 0 for any free port (default 8787)
  --speed <x>            emulated milliseconds per real millisecond, > 0 (default 1)
  --seed <file>          the world (orgs, connectors, KBs, table sizes) as JSON (default: the built-in one)
  --api-key <key>        the key that opens every org (default: $TIMBAL_EMULATOR_API_KEY, else a random key)
  --fail-table <name>    jobs reading or writing this table fail halfway (repeatable)
  --failure-rate <r>     share of other jobs that fail, 0..1 (default 0)
  --latency-ms <n>       delay before every response, in milliseconds (default 0)
  --fault-rate <r>       share of requests hit by an injected fault, 0..1 (default 0)
  --fault-kinds <list>   comma-separated faults to inject (default all): ${FAULT_KINDS.join(", ")}
  -h, --help             print this help
`;

/** A mistake on the command line; its message is the one line shown. */
export class UsageError extends Error {}

export type CliRequest = { help: true } | { help: false; options: EmulatorOptions & { port: number; speed: number } };

export function parseEmulatorArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliRequest {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            strict: true,
            allowPositionals: false,
            options: {
                help: { type: "boolean", short: "h" },
                port: { type: "string", default: "8787" },
                speed: { type: "string", default: "1" },
                seed: { type: "string" },
                "api-key": { type: "string" },
                "fail-table": { type: "string", multiple: true },
                "failure-rate": { type: "string", default: "0" },
                "latency-ms": { type: "string", default: "0" },
                "fault-rate": { type: "string", default: "0" },
                "fault-kinds": { type: "string" },
            },
        }));
    } catch (err) {
        // parseArgs says e.g. "Unknown option '--sped'. To specify a positional argument starting with a '-', ...".
        throw new UsageError(`${(err as Error).message.split(". ")[0]} (see --help)`);
    }
    if (values.help) return { help: true };

    const port = numberFlag("port", values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, "an integer from 0 to 65535");
    const speed = numberFlag("speed", values.speed, (n) => n > 0, "a number greater than 0");
    const failureRate = numberFlag("failure-rate", values["failure-rate"], isShare, "a number from 0 to 1");
    const latencyMs = numberFlag("latency-ms", values["latency-ms"], (n) => n >= 0, "a number of milliseconds, 0 or more");
    const faultRate = numberFlag("fault-rate", values["fault-rate"], isShare, "a number from 0 to 1");
    const apiKey = values["api-key"] ?? env.TIMBAL_EMULATOR_API_KEY;
    if (apiKey !== undefined && apiKey.trim() === "") throw new UsageError("--api-key must not be empty (see --help)");

    let seed;
    if (values.seed !== undefined) {
        try {
            seed = readSeedFile(values.seed);
        } catch (err) {
            throw new UsageError(`--seed: ${(err as Error).message}`);
        }
    }
    return {
        help: false,
        options: {
            port,
            speed,
            seed,
            apiKey,
            failTables: values["fail-table"],
            failureRate,
            latencyMs,
            faults: { rate: faultRate, kinds: faultKinds(values["fault-kinds"]) },
        },
    };
}

function isShare(n: number): boolean {
    return n >= 0 && n <= 1;
}

function numberFlag(flag: string, text: string, valid: (n: number) => boolean, what: string): number {
    const n = text.trim() === "" ? NaN : Number(text);
    if (!Number.isFinite(n) || !valid(n)) throw new UsageError(`--${flag} must be ${what}, got "${text}" (see --help)`);
    return n;
}

function faultKinds(text: string | undefined): FaultKind[] | undefined {
    if (text === undefined) return undefined;
    const kinds = text.split(",").map((kind) => kind.trim());
    const unknown = kinds.filter((kind) => !(FAULT_KINDS as readonly string[]).includes(kind));
    if (unknown.length > 0) {
        throw new UsageError(`--fault-kinds: unknown fault "${unknown[0]}"; choose from ${FAULT_KINDS.join(", ")}`);
    }
    return kinds as FaultKind[];
}
