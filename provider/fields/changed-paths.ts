import { SIGNATURE_KEY } from "../support/secret-marker";
import { sameValue } from "./same-value";

// Which field paths a change touches (`pacing.maxRowsPerSec`, `source.table`): objects compared key by key, arrays
// and other values whole. The plugin's Diff gives them to the engine (so `pulumi preview --diff` shows the fields
// that change, as in a TypeScript stack) and timbal-plan shows them to a reviewer: one walk for both.

/** An object to compare key by key (not an array, not a secret or another of the engine's marked values: one value each). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(SIGNATURE_KEY in value);
}

/** Leaf paths under `prefix` whose value differs between `olds` and `news`, sorted by key. */
export function changedPaths(olds: unknown, news: unknown, prefix: string): string[] {
    if (isPlainObject(olds) && isPlainObject(news)) {
        const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].sort();
        return keys.flatMap((key) => changedPaths(olds[key], news[key], `${prefix}.${key}`));
    }
    return sameValue(olds, news) ? [] : [prefix];
}

/** The value at a dotted path (`pacing.maxDop`) of `root`; undefined where the path leaves the objects. */
export function valueAt(root: unknown, path: string): unknown {
    let value = root;
    for (const key of path.split(".")) {
        if (!isPlainObject(value)) return undefined;
        value = value[key];
    }
    return value;
}
