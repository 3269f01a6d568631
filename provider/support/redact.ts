// The last line of defence for the API key: every message the provider shows or logs passes through here, so that
// an API that echoes a request back (or an error that carries headers) cannot put the key in front of a user.

const REDACTED = "[redacted]";

/** Replaces every occurrence of each secret in the text, including its Bearer header form. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
    let out = text;
    for (const secret of secrets) {
        if (!secret) continue;
        out = out.split(secret).join(REDACTED);
        out = out.split(encodeURIComponent(secret)).join(REDACTED);
    }
    return out;
}
