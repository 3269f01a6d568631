import { redact } from "./redact";

// The provider's log lines. Each shell sends them to the engine, on the row of the resource whose call wrote them
// (engine-log.ts); a process with no engine to talk to writes them to its stdout and stderr (createLog below), which
// the Pulumi CLI shows. Every line passes through redaction first.

export interface ProviderLog {
    info(message: string): void;
    warn(message: string): void;
    /**
     * Where the progress of the resource whose call is running goes, taken when its wait starts: its own row in
     * `pulumi up` (engine-log.ts, in both shells); else `info`.
     */
    progressReporter?(): (line: string) => void;
}

/**
 * `log`, with each progress line ending in `note`: what an interruption does to a wait, which differs by shell (the
 * shell's entry wraps its log so; the waiter writes the same lines in both).
 */
export function withProgressNote(log: ProviderLog, note: string): ProviderLog {
    return {
        ...log,
        progressReporter() {
            const report = log.progressReporter?.() ?? log.info;
            return (line) => report(`${line}. ${note}`);
        },
    };
}

/** A log that writes `timbal: ...` lines and masks the given secrets (read at write time: configure sets them later). */
export function createLog(secrets: () => ReadonlyArray<string | undefined>): ProviderLog {
    return {
        info: (message) => console.log(`timbal: ${redact(message, secrets())}`),
        warn: (message) => console.warn(`warning: timbal: ${redact(message, secrets())}`),
    };
}
