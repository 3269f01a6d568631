// When two values of a field are the same: as JSON, with object keys in any order. The diff, the extraction digest
// and timbal-plan all compare values this way, so that key order is never a change anywhere.

/** JSON with object keys sorted. */
export function canonical(value: unknown): string {
    return JSON.stringify(value, (_key, v) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
            : v,
    );
}

export function sameValue(a: unknown, b: unknown): boolean {
    return canonical(a) === canonical(b);
}
