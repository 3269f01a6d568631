import * as fs from "fs";
import * as path from "path";
import { SYSTEM_CLOCK, type Clock } from "../support/clock";

// Preview and the `up` that follows must agree on the run policy, but they run in two provider processes, seconds or
// minutes apart, and a job can grow older than its `rerunAfter` in between: a daily schedule with `rerunAfter: 24h`
// meets that edge every day. So the first decision about a job fixes the instant it is judged at, and every decision
// about the same job within HOLD_MS reuses it. The instants are kept beside the dispatch journal (one small file per
// job, in its run-decisions/ folder), so they reach the next process on this machine.

/** How long a decision's instant holds: longer than a preview and its `up`, shorter than any schedule. */
export const HOLD_MS = 15 * 60_000;

export interface DecisionClock {
    /** The instant the run policy judges `jobId` at: now, or the instant fixed by a decision less than HOLD_MS ago. */
    instantFor(jobId: string): number;
}

/** Instants kept in `<journalDir>/run-decisions`; `false` or undefined: in memory only. */
export function createDecisionClock(journalDir: string | false | undefined, clock: Clock = SYSTEM_CLOCK): DecisionClock {
    const dir = journalDir ? path.join(journalDir, "run-decisions") : undefined;
    const inMemory = new Map<string, number>();
    const fileOf = (jobId: string) => path.join(dir!, `${jobId.replace(/[^\w-]/g, "_")}.json`);

    function read(jobId: string): number | undefined {
        if (!dir) return inMemory.get(jobId);
        try {
            return JSON.parse(fs.readFileSync(fileOf(jobId), "utf8")).decidedAt;
        } catch {
            return undefined; // none yet, or unreadable: decide afresh
        }
    }

    function write(jobId: string, decidedAt: number): void {
        if (!dir) return void inMemory.set(jobId, decidedAt);
        try {
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(`${fileOf(jobId)}.tmp`, JSON.stringify({ jobId, decidedAt }));
            fs.renameSync(`${fileOf(jobId)}.tmp`, fileOf(jobId));
        } catch {
            // Not writable: each process then judges at its own now, as without this file.
        }
    }

    return {
        instantFor(jobId) {
            const now = clock.now();
            const fixed = read(jobId);
            if (fixed !== undefined && now - fixed >= 0 && now - fixed < HOLD_MS) return fixed;
            write(jobId, now);
            return now;
        },
    };
}
