import type { IncomingMessage, ServerResponse } from "http";

// Faults the emulator can inject, at a rate, to prove the provider survives them. Each names when it strikes:
//   error500, error503   answered before the request is processed (a POST creates nothing)
//   throttle429          answered before processing, with Retry-After
//   reset                the connection is dropped before any response (a POST creates nothing)
//   lostResponse         a POST is processed (the job exists), then the connection is dropped: the lost answer
//   gateway502/504       a POST is processed, then a gateway answers 502/504 instead of the real answer
//   slowBody             the answer's body arrives in two parts, slowMs apart

export const FAULT_KINDS = ["error500", "error503", "throttle429", "reset", "lostResponse", "gateway502", "gateway504", "slowBody"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultOptions {
    /** Share of requests that get a fault (0..1). */
    rate: number;
    /** Kinds to choose from, evenly (default: all). */
    kinds?: FaultKind[];
    /** Seconds in Retry-After on a 429 (default 1). */
    retryAfterSeconds?: number;
    /** Pause inside a slow body, in ms (default 200). */
    slowMs?: number;
    /** Seed for the choice of faulted requests, for repeatable runs (default 1). */
    seed?: number;
    /** Only requests of these methods are faulted (default both). */
    methods?: ("GET" | "POST")[];
    /** At most this many faults in all (default no limit). */
    limit?: number;
}

/** Faults that strike after a POST was processed: the job exists, the client cannot know it. */
export const AFTER_PROCESSING: ReadonlySet<FaultKind> = new Set(["lostResponse", "gateway502", "gateway504", "slowBody"]);

/** A small seeded generator (mulberry32), so a soak run can be repeated exactly. */
function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export class FaultInjector {
    private options: FaultOptions = { rate: 0 };
    private next = random(1);
    private injected = 0;

    configure(options: FaultOptions | undefined): void {
        this.options = options ?? { rate: 0 };
        this.next = random(this.options.seed ?? 1);
        this.injected = 0;
    }

    /** The fault for the next request, if it gets one. */
    pick(method: string): FaultKind | undefined {
        const { rate, kinds = [...FAULT_KINDS], methods, limit = Infinity } = this.options;
        if (rate <= 0 || kinds.length === 0 || this.injected >= limit) return undefined;
        if (methods && !methods.includes(method as "GET" | "POST")) return undefined;
        if (this.next() >= rate) return undefined;
        this.injected++;
        return kinds[Math.floor(this.next() * kinds.length)];
    }

    /** Answers for a fault that strikes before processing; returns false when the request must be processed first. */
    strikeBefore(kind: FaultKind, req: IncomingMessage, res: ServerResponse): boolean {
        switch (kind) {
            case "error500":
            case "error503": {
                const status = kind === "error500" ? 500 : 503;
                res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "unavailable", message: "injected fault" }));
                return true;
            }
            case "throttle429":
                res.writeHead(429, { "Content-Type": "application/json", "Retry-After": String(this.options.retryAfterSeconds ?? 1) })
                    .end(JSON.stringify({ error: "rate_limited", message: "slow down" }));
                return true;
            case "reset":
                req.socket.destroy();
                return true;
            default:
                // A GET has nothing to lose: the after-processing faults drop or replace its answer all the same.
                return false;
        }
    }

    /** Sends (or withholds) the real answer of a processed request according to the fault. */
    strikeAfter(kind: FaultKind, req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
        switch (kind) {
            case "lostResponse":
                req.socket.destroy();
                return;
            case "gateway502":
            case "gateway504":
                res.writeHead(kind === "gateway502" ? 502 : 504, { "Content-Type": "text/plain" }).end("bad gateway");
                return;
            case "slowBody": {
                res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
                const half = Math.floor(text.length / 2);
                res.write(text.slice(0, half));
                setTimeout(() => res.end(text.slice(half)), this.options.slowMs ?? 200);
                return;
            }
            default:
                res.writeHead(status, { "Content-Type": "application/json" }).end(text);
        }
    }
}
