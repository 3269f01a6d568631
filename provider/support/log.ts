import { redact } from "./redact";

// The provider's log lines. In the provider host there is no engine connection, so lines go to the host's stdout and
// stderr, which the Pulumi CLI shows. Every line passes through redaction first.

export interface ProviderLog {
    info(message: string): void;
    warn(message: string): void;
    /**
     * Where the progress of the resource whose call is running goes, taken when its wait starts: its own row in
     * `pulumi up` where the shell can tell which resource that is (the provider plugin); else `info`.
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
