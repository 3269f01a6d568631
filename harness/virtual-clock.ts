import type { Clock } from "../provider/support/clock";

// Time for the unit tests: sleeps are timers on a virtual timeline, and `run` advances it from one timer to the next
// until the awaited promise settles. Backoff, deadlines and shared poll loops run in microseconds, and what a test
// asserts about time (when a poll happened, how long a pause was) is exact. The HTTP tests give the same clock to the
// providers in this process (harness/fixtures.ts) and to the emulator, whose jobs then progress on that timeline too,
// and drive it with `runOverIo`, which also waits for real requests to be answered; `at` puts a test's event (the API
// forgets a job, a scripted server's job finishes) at a known instant of that timeline.

interface Timer {
    at: number;
    order: number;
    wake: () => void;
}

/** Real milliseconds `runOverIo` waits at most for the promise to settle. */
const REAL_LIMIT_MS = 30_000;

export class VirtualClock implements Clock {
    private time: number;
    private order = 0;
    private timers: Timer[] = [];
    /** Events set with `at`: they fire as time passes them, but are not sleepers (see runOverIo). */
    private events: Timer[] = [];
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
     * Runs `action` when time reaches `instant`: before any sleeper due at that same instant wakes, so that the code
     * sees the event in the step that follows it. Unlike a sleep, it is not something the code waits on: `runOverIo`
     * never moves time just to reach it, only past it on the way to a sleeper (`run`, which has no I/O to wait for,
     * moves time to it when no sleeper is left).
     */
    at(instant: number, action: () => void): void {
        this.events.push({ at: instant, order: this.order++, wake: action });
    }

    /**
     * Settles `promise`: lets everything that can run now run, then wakes the earliest sleeper, and again, until the
     * promise settles. Fails if it is still pending with no sleeper left (it waits on something that never comes), or
     * past `limitMs` of virtual time.
     */
    async run<T>(promise: Promise<T>, limitMs = 24 * 3600_000): Promise<T> {
        const settled = watch(promise);
        const limit = this.time + limitMs;
        for (;;) {
            await new Promise((resolve) => setImmediate(resolve));
            if (settled()) return promise;
            if (this.timers.length === 0 && this.events.length === 0) throw new Error("the promise is pending and nothing is scheduled: it would never settle");
            this.wakeNext(limitMs, limit, true);
        }
    }

    /**
     * `run` for code that also waits on real I/O (the providers of this process over HTTP, to an emulator or a scripted
     * server). Time moves only while the code sleeps: with no sleeper, the code is waiting for an answer, and this
     * waits for it in real time instead of failing. One loop (a poll loop, a retry loop) then has its timeline exact;
     * several loops each with a request in flight at once would not. Fails past `limitMs` of virtual time, or after
     * REAL_LIMIT_MS of real time.
     */
    async runOverIo<T>(promise: Promise<T>, limitMs = 24 * 3600_000): Promise<T> {
        const settled = watch(promise);
        const limit = this.time + limitMs;
        const realLimit = Date.now() + REAL_LIMIT_MS;
        for (;;) {
            await new Promise((resolve) => setImmediate(resolve));
            if (settled()) return promise;
            if (Date.now() > realLimit) throw new Error(`the promise is still pending after ${REAL_LIMIT_MS} ms of real time`);
            if (this.timers.length === 0) {
                // A request in flight: let the event loop take its answer.
                await new Promise((resolve) => setTimeout(resolve, 0));
                continue;
            }
            this.wakeNext(limitMs, limit, false);
        }
    }

    /**
     * Moves time to the next thing due and runs it: the earliest event if it is due no later than the earliest sleeper
     * (or, with no sleeper, if `eventsAlone`), else that sleeper.
     */
    private wakeNext(limitMs: number, limit: number, eventsAlone: boolean): void {
        const byTime = (a: Timer, b: Timer) => a.at - b.at || a.order - b.order;
        this.timers.sort(byTime);
        this.events.sort(byTime);
        const [sleeper, event] = [this.timers[0], this.events[0]];
        const next = event && (sleeper ? event.at <= sleeper.at : eventsAlone) ? this.events.shift()! : this.timers.shift()!;
        if (next.at > limit) throw new Error(`the promise is still pending after ${limitMs} ms of virtual time`);
        this.time = Math.max(this.time, next.at);
        next.wake();
    }
}

/** Whether the promise has settled yet (without handling its rejection for the caller). */
function watch(promise: Promise<unknown>): () => boolean {
    let settled = false;
    promise.then(
        () => (settled = true),
        () => (settled = true),
    );
    return () => settled;
}
