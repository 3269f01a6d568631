// Durations as a program writes them, for the run policy's `rerunAfter`: one or more `<number><unit>` parts, units
// `d`, `h` and `m` ("24h", "7d", "90m", "1d12h"). Whole minutes are enough for a policy that runs from a schedule.

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };
const DURATION = /^(?:\d+[dhm])+$/;

/** The duration in milliseconds, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
    if (!DURATION.test(text)) return undefined;
    let ms = 0;
    for (const [, amount, unit] of text.matchAll(/(\d+)([dhm])/g)) ms += Number(amount) * UNIT_MS[unit];
    return ms;
}

/** An age in words, rounded down: `42 min`, `26 h`, `3 d` (hours up to two days, so that "26 h" reads as such). */
export function formatAge(ms: number): string {
    if (ms < 3_600_000) return `${Math.floor(Math.max(ms, 0) / 60_000)} min`;
    if (ms < 2 * 86_400_000) return `${Math.floor(ms / 3_600_000)} h`;
    return `${Math.floor(ms / 86_400_000)} d`;
}
