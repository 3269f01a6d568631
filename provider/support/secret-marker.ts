// How Pulumi marks a secret in a property bag (the SDK's `specialSigKey` set to its secret signature): an object
// `{ [SIGNATURE_KEY]: SECRET_SIGNATURE, value }` on the wire, `{ ..., ciphertext }` in an exported state. Declared
// once, for both shells, timbal-plan and the tests.

/** The key that marks a special value in a property bag. */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
/** The signature under that key that says the value is a secret. */
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** Whether a value is marked secret (its plain `value` or its `ciphertext` beside the marker). */
export function isMarkedSecret(value: unknown): value is { value?: unknown; ciphertext?: string } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** A value marked secret. */
export function markedSecret(value: unknown): { value: unknown } {
    return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value } as { value: unknown };
}
