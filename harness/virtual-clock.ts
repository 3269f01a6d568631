import type { Clock } from "../provider/api/clock";

// Time for the unit tests: sleeps are timers on a virtual timeline, and `run` advances it from one timer to the next
// until the awaited promise settles. Backoff, deadlines and shared poll loops run in microseconds, and what a test
// asserts about time (when a poll happened, how long a pause was) is exact.

interface Timer {
    at: number;
    order: number;
    wake: () => void;
}

export class VirtualClock implements Clock {
    private time: number;
    private order = 0;
    private timers: Timer[] = [];
    /** Every sleep asked for, in milliseconds, in order. */
    readonly sleeps: number[] = [];

    constructor(start = Date.parse("2026-11-28T12:00:00Z")) {
        this.time = start;
    }

    now(): number {
        return this.time;
    }

    sleep(ms: number): Promise<void> {
        this.sleeps.push(ms);
        return new Promise((wake) => this.timers.push({ at: this.time + Math.max(0, ms), order: this.order++, wake }));
    }

    /** Moves time forward by `ms` without waking anyone (a test's "meanwhile"). */
    advance(ms: number): void {
        this.time += ms;
    }

    /**
     * Settles `promise`: lets everything that can run now run, then wakes the earliest sleeper, and again, until the
     * promise settles. Fails if it is still pending with no sleeper left (it waits on something that never comes), or
     * past `limitMs` of virtual time.
     */
    async run<T>(promise: Promise<T>, limitMs = 24 * 3600_000): Promise<T> {
        let settled = false;
        promise.then(
            () => (settled = true),
            () => (settled = true),
        );
        const limit = this.time + limitMs;
        for (;;) {
            await new Promise((resolve) => setImmediate(resolve));
            if (settled) return promise;
            this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
            const next = this.timers.shift();
            if (!next) throw new Error("the promise is pending and nothing is scheduled: it would never settle");
            if (next.at > limit) throw new Error(`the promise is still pending after ${limitMs} ms of virtual time`);
            this.time = Math.max(this.time, next.at);
            next.wake();
        }
    }
}
