import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SYSTEM_CLOCK, type Clock } from "../support/clock";
import type { ProviderLog } from "../support/log";

// A job's id reaches the stack's state only when the engine checkpoints the create that dispatched it. A `pulumi up`
// killed in between (two Ctrl-C, a CI runner's timeout) leaves a pending create without an id, and the engine runs
// that create again on the next `up`. This journal closes that window on one machine: before a dispatch is sent, an
// entry is written to disk; the answer's job id is added to it; the entry is dropped once a later provider process
// sees the resource in state. A create that finds an entry left by an earlier process for the same extraction takes
// that job (or, without an id, looks for it in the job list) instead of dispatching again.
//
// What it cannot do: help on another machine (an ephemeral CI runner starts with an empty journal), or tell two
// resources apart that declare the very same extraction (same destination and inputs) in one stack.

/** Entries older than this are dropped: a run resumed later dispatches again. Judged on the clock that stamped them. */
export const JOURNAL_MAX_AGE_MS = 7 * 24 * 3600_000;

export interface JournalEntry {
    /** The extraction's digest (see extractionDigest): which resource inputs the dispatch was for. */
    extraction: string;
    /** How messages name the destination. */
    destination: string;
    /** When the first attempt started (epoch ms): a lost job was created after this. */
    startedAt: number;
    /** The job's id, once the API answered with it. */
    jobId?: string;
    /** The provider process that wrote the entry. */
    writer: string;
}

export interface DispatchJournal {
    /** Remembers a dispatch about to be sent. */
    begin(extraction: string, destination: string, startedAt: number): JournalEntry;
    /** The dispatch's job is known: the API answered, or the lost answer was found in the job list. */
    answered(entry: JournalEntry, jobId: string): void;
    /** Nothing was created (or it is accounted for elsewhere): forget the entry. */
    drop(entry: JournalEntry): void;
    /** Entries an earlier provider process left for this extraction, oldest first. */
    interrupted(extraction: string): JournalEntry[];
    /** Takes over an earlier process's entry, so that it is dropped like this process's own. */
    takeOver(entry: JournalEntry): JournalEntry;
    /** The stack's state holds this job, or a resource of this extraction: its entries are no longer needed. */
    recorded(seen: { jobId?: string; extraction?: string }): void;
    /** The job's id went back to the engine (a create returned it, or failed keeping it): the engine records it. */
    handedOver(jobId: string): void;
    /**
     * The deployment ended normally: the engine has recorded every job whose create returned, so this process's
     * entries of jobs handed over go. The others stay: a dispatch in flight, or a job whose create was still waiting.
     */
    deploymentEnded(): void;
}

/** `$TIMBAL_DISPATCH_JOURNAL_DIR`, else `timbal/dispatch-journal` in Pulumi's home (`$PULUMI_HOME` or ~/.pulumi). */
export function defaultJournalDir(env: NodeJS.ProcessEnv = process.env): string {
    if (env.TIMBAL_DISPATCH_JOURNAL_DIR) return env.TIMBAL_DISPATCH_JOURNAL_DIR;
    const home = env.PULUMI_HOME || path.join(os.homedir(), ".pulumi");
    return path.join(home, "timbal", "dispatch-journal");
}

/**
 * A journal in `dir`; `false` or undefined keeps it in memory (nothing survives the process). `clock` is the one the
 * dispatcher stamps `startedAt` with: an entry's age is judged on it, never on another.
 */
export function createDispatchJournal(dir: string | false | undefined, log: ProviderLog, clock: Clock = SYSTEM_CLOCK): DispatchJournal {
    const writer = `${process.pid}-${randomBytes(4).toString("hex")}`;
    const files = new Map<JournalEntry, string>();
    let sequence = 0;
    let broken = false;

    const fileName = (entry: JournalEntry) => `${entry.extraction.slice(0, 24)}.${entry.writer}.${++sequence}.json`;

    /** Runs a disk operation; a journal that cannot be written costs its protection, never the dispatch. */
    function onDisk(what: string, operation: () => void): void {
        if (!dir || broken) return;
        try {
            operation();
        } catch (err) {
            broken = true;
            log.warn(
                `cannot ${what} the dispatch journal in ${dir} (${(err as Error).message}): a \`pulumi up\` interrupted ` +
                    "right after a dispatch will not be recognised by the next one. Set TIMBAL_DISPATCH_JOURNAL_DIR to a writable folder",
            );
        }
    }

    function write(entry: JournalEntry): void {
        onDisk("write", () => {
            fs.mkdirSync(dir as string, { recursive: true });
            const file = files.get(entry) ?? path.join(dir as string, fileName(entry));
            files.set(entry, file);
            // Written whole, then renamed: a reader never sees half an entry.
            fs.writeFileSync(`${file}.tmp`, JSON.stringify(entry));
            fs.renameSync(`${file}.tmp`, file);
        });
    }

    function remove(entry: JournalEntry): void {
        const file = files.get(entry);
        files.delete(entry);
        if (file) onDisk("update", () => fs.rmSync(file, { force: true }));
    }

    /** This process's entries, and those earlier processes left (read once: the stack's lock keeps other runs out). */
    const own = new Set<JournalEntry>();
    const handedOver = new Set<string>();
    let earlier: JournalEntry[] | undefined;

    function leftByEarlierRuns(): JournalEntry[] {
        if (earlier) return earlier;
        earlier = [];
        onDisk("read", () => {
            if (!fs.existsSync(dir as string)) return;
            for (const name of fs.readdirSync(dir as string)) {
                if (!name.endsWith(".json")) continue;
                const file = path.join(dir as string, name);
                let entry: JournalEntry;
                try {
                    entry = JSON.parse(fs.readFileSync(file, "utf8"));
                } catch {
                    continue; // removed meanwhile, or not ours
                }
                if (entry.writer === writer) continue; // this process's own, already known
                if (clock.now() - entry.startedAt > JOURNAL_MAX_AGE_MS) {
                    fs.rmSync(file, { force: true });
                    continue;
                }
                files.set(entry, file);
                earlier!.push(entry);
            }
        });
        return earlier;
    }

    function forget(entry: JournalEntry): void {
        own.delete(entry);
        if (earlier?.includes(entry)) earlier.splice(earlier.indexOf(entry), 1);
        remove(entry);
    }

    return {
        begin(extraction, destination, startedAt) {
            const entry: JournalEntry = { extraction, destination, startedAt, writer };
            own.add(entry);
            write(entry);
            return entry;
        },
        answered(entry, jobId) {
            entry.jobId = jobId;
            write(entry);
        },
        drop: forget,
        interrupted(extraction) {
            return leftByEarlierRuns()
                .filter((entry) => entry.extraction === extraction)
                .sort((a, b) => a.startedAt - b.startedAt);
        },
        takeOver(entry) {
            forget(entry);
            const taken: JournalEntry = { ...entry, writer };
            own.add(taken);
            write(taken);
            return taken;
        },
        handedOver(jobId) {
            handedOver.add(jobId);
        },
        deploymentEnded() {
            for (const entry of [...own]) if (entry.jobId !== undefined && handedOver.has(entry.jobId)) forget(entry);
        },
        recorded({ jobId, extraction }) {
            for (const entry of [...leftByEarlierRuns(), ...own]) {
                if ((jobId !== undefined && entry.jobId === jobId) || (extraction !== undefined && entry.extraction === extraction)) forget(entry);
            }
        },
    };
}
