import { isMarkedSecret, markedSecret } from "../support/secret-marker";

// Secrets in the plugin's calls. A plugin that serves components must accept secrets (the engine refuses Construct
// otherwise), and then the engine no longer marks outputs secret for it: values arrive wrapped, and whatever was
// secret must leave wrapped. The lifecycles see plain values, as in the dynamic provider host; the shell puts the
// wrapping back on every top-level property whose value held a secret anywhere (the whole property: never less secret).

/** The value with every secret's wrapping taken off, and whether it held one. */
function reveal(value: unknown): { plain: unknown; secret: boolean } {
    if (isMarkedSecret(value)) return { plain: reveal(value.value).plain, secret: true };
    if (Array.isArray(value)) {
        const items = value.map(reveal);
        return { plain: items.map((item) => item.plain), secret: items.some((item) => item.secret) };
    }
    if (typeof value === "object" && value !== null) {
        const entries = Object.entries(value).map(([key, item]) => [key, reveal(item)] as const);
        return { plain: Object.fromEntries(entries.map(([key, item]) => [key, item.plain])), secret: entries.some(([, item]) => item.secret) };
    }
    return { plain: value, secret: false };
}

/** A property bag as the lifecycles take it (plain), and the names of its properties that held a secret. */
export function revealSecrets(props: Record<string, unknown>): { plain: Record<string, any>; secretNames: Set<string> } {
    const plain: Record<string, unknown> = {};
    const secretNames = new Set<string>();
    for (const [name, value] of Object.entries(props)) {
        const revealed = reveal(value);
        plain[name] = revealed.plain;
        if (revealed.secret) secretNames.add(name);
    }
    return { plain, secretNames };
}

/** `props` with each property named in `secretNames` wrapped as a secret again. */
export function keepSecret(props: Record<string, unknown>, secretNames: ReadonlySet<string>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).map(([name, value]) => [name, secretNames.has(name) ? markedSecret(value) : value]));
}
