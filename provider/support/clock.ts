// Time as the provider reads it and waits on it. Injected, so that the unit tests (test/unit/) run backoff, deadlines
// and shared poll loops in virtual time, without sleeping.

export interface Clock {
    /** Epoch milliseconds. */
    now(): number;
    /** Resolves after `ms` milliseconds. */
    sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
