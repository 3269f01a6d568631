/**
 * During `pulumi preview`, an input that depends on another resource's output is not known yet. The engine hands it
 * to check and diff as this sentinel string (pulumi/pulumi sdk/nodejs/runtime/rpc.ts `unknownValue`).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the value is, or contains anywhere, a not-yet-known preview value. */
export function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** True when the value at `path`, or one of its parents, is not yet known. */
export function isUnknownAt(root: unknown, path: ReadonlyArray<PropertyKey>): boolean {
    let node: unknown = root;
    for (const key of path) {
        if (node === UNKNOWN) return true;
        if (node === null || typeof node !== "object") return false;
        node = (node as Record<PropertyKey, unknown>)[key];
    }
    return node === UNKNOWN;
}
