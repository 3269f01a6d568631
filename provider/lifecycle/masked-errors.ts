import type { ResourceLifecycle } from "./resource-lifecycle";
import { redact } from "../support/redact";

// Errors leave the provider with the API key masked, whatever produced them. The provider's own errors are masked in
// place, so they keep their type and fields (a PartialFailure keeps the id and properties the engine records); any
// other error (an HTTP library's, which may carry the request and its headers) becomes a plain Error.

/** The fields the provider's own errors carry besides their message: none of them can hold a request. */
const OWN_ERROR_FIELDS = new Set(["name", "kind", "status", "id", "properties", "reasons", "since", "lastView"]);

function maskInPlace(err: unknown, secret: string | undefined): unknown {
    const ours = err instanceof Error && Object.keys(err).every((key) => OWN_ERROR_FIELDS.has(key));
    if (!ours) return new Error(redact(err instanceof Error ? err.message : String(err), [secret]));
    err.message = redact(err.message, [secret]);
    if (err.stack) err.stack = redact(err.stack, [secret]);
    const reasons: unknown = Reflect.get(err, "reasons");
    if (Array.isArray(reasons)) Reflect.set(err, "reasons", reasons.map((reason) => redact(String(reason), [secret])));
    return err;
}

/** The method, with any error it throws masked. */
function masked<A extends unknown[], R>(secret: () => string | undefined, method: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
        try {
            return await method(...args);
        } catch (err) {
            throw maskInPlace(err, secret());
        }
    };
}

/** A provider whose every method masks the key in what it throws. */
export function withMaskedErrors<I, O>(secret: () => string | undefined, provider: ResourceLifecycle<I, O>): ResourceLifecycle<I, O> {
    return {
        configure: masked(secret, provider.configure),
        check: masked(secret, provider.check),
        diff: masked(secret, provider.diff),
        create: masked(secret, provider.create),
        read: masked(secret, provider.read),
        update: masked(secret, provider.update),
        delete: masked(secret, provider.delete),
    };
}
