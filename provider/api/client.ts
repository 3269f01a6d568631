import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { z } from "zod";
import { redact } from "../support/redact";
import { SYSTEM_CLOCK, type Clock } from "../support/clock";
import { attemptWhileRetryable, DEFAULT_RETRY, judgeNetworkError, judgeStatus, networkErrorCode, retryAfterMs, type Attempt, type RetryPolicy } from "./retry";
import { dispatchResSchema, listJobsResSchema, readJobs, type DispatchPath, type DispatchReq, type DispatchRes, type JobListing } from "./wire";

// The HTTP client for the two connector-jobs endpoints: requests, timeouts, response validation, and errors that say
// what happened, to which org/connector/KB, and what to do. The key is sent as a header and never written anywhere.

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface TimbalClientOptions {
    baseUrl: string;
    apiKey: string;
    /** Where the key came from ("TIMBAL_API_KEY", ...), so that an auth error says which key to fix. */
    apiKeyOrigin?: string;
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    clock?: Clock;
    /** Wire field names an API message may use, and the resource input that sets each (fields/dispatch-body.ts). */
    inputOfWireName?: Readonly<Record<string, string>>;
}

/** `ambiguous`: a dispatch whose answer was lost; the job may or may not exist (see retry.ts). */
export type TimbalErrorKind = "forbidden" | "not_found" | "rejected" | "unavailable" | "network" | "timeout" | "off_spec" | "ambiguous";

export class TimbalApiError extends Error {
    override name = "TimbalApiError";
    constructor(
        message: string,
        readonly kind: TimbalErrorKind,
        readonly status?: number,
    ) {
        super(message);
    }
}

/** The two operations the provider needs. An interface so that tests and the runtime share one contract. */
export interface TimbalApi {
    readonly baseUrl: string;
    dispatchJob(path: DispatchPath, request: DispatchReq): Promise<DispatchRes>;
    /** The jobs of the list, each read on its own: the ones that match the spec, and the ones that do not. */
    listJobs(orgId: string, connectorId?: string): Promise<JobListing>;
}

interface CallContext {
    what: string;
    orgId: string;
    connectorId?: string;
    kbId?: number;
}

export function createTimbalClient(options: TimbalClientOptions): TimbalApi {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const http: AxiosInstance = axios.create({
        baseURL: options.baseUrl,
        timeout: timeoutMs,
        maxRedirects: 0, // a redirect could carry the Authorization header to another origin
        validateStatus: () => true,
        transformResponse: (data) => data, // raw text: an off-spec body is reported, not half-parsed
        responseType: "text",
        headers: {
            Authorization: `Bearer ${options.apiKey}`,
            "Content-Type": "application/json",
            Accept: "application/json",
            "User-Agent": "timbal-pulumi-connector-jobs",
        },
    });
    const clean = (text: string) => redact(text, [options.apiKey]);
    const keyFrom = options.apiKeyOrigin ? ` (from ${options.apiKeyOrigin})` : "";
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };

    const clock = options.clock ?? SYSTEM_CLOCK;

    /** Sends the request, again while the policy allows; returns the last answer, or throws the last network error. */
    async function send(method: "GET" | "POST", url: string, context: CallContext, body?: unknown) {
        const last = await attemptWhileRetryable(retry, clock, async (): Promise<Attempt<AxiosResponse<string>>> => {
            try {
                const answer = await http.request<string>({ method, url, data: body, signal: AbortSignal.timeout(timeoutMs) });
                return { verdict: judgeStatus(method, answer.status), answer, retryAfterMs: retryAfterMs(answer.headers["retry-after"], clock.now()) };
            } catch (failure) {
                return { verdict: judgeNetworkError(method, failure), failure };
            }
        });
        if (last.verdict === "ambiguous") {
            const why = "answer" in last ? `HTTP ${last.answer.status}` : networkError(last.failure, method, url, options.baseUrl, timeoutMs, clean).message;
            const status = "answer" in last ? last.answer.status : undefined;
            throw new TimbalApiError(`${context.what}: the answer was lost (${why}); the job may or may not have been created`, "ambiguous", status);
        }
        if ("failure" in last) throw networkError(last.failure, method, url, options.baseUrl, timeoutMs, clean);
        return last.answer;
    }

    async function call<S extends z.ZodType>(
        method: "GET" | "POST",
        url: string,
        schema: S,
        context: CallContext,
        body?: unknown,
    ): Promise<z.infer<S>> {
        const response = await send(method, url, context, body);
        const { status } = response;
        const apiMessage = clean(messageFromBody(response.data));
        const where = `org "${context.orgId}"`;
        if (status === 401 || status === 403) {
            throw new TimbalApiError(
                `${context.what}: the API key${keyFrom} lacks access to ${where} at ${options.baseUrl} (HTTP ${status}). ` +
                    "Check that the key belongs to that org, or point timbal:orgId at the org it belongs to",
                "forbidden",
                status,
            );
        }
        if (status === 404) {
            const target =
                context.kbId !== undefined
                    ? `connector "${context.connectorId}" or KB ${context.kbId}`
                    : `connector "${context.connectorId ?? "?"}"`;
            throw new TimbalApiError(
                `${context.what}: ${target} was not found in ${where} (HTTP 404${apiMessage ? `: ${apiMessage}` : ""}). ` +
                    "Check connectorId and kbId against the org's connectors and KBs",
                "not_found",
                status,
            );
        }
        if (status === 400 || status === 422) {
            throw new TimbalApiError(
                `${context.what}: Timbal rejected the request (HTTP ${status}): ${apiMessage || "no reason given"}${fieldHint(apiMessage, options.inputOfWireName ?? {})}`,
                "rejected",
                status,
            );
        }
        if (status === 429 || status >= 500) {
            throw new TimbalApiError(
                `${context.what}: the Timbal API at ${options.baseUrl} is unavailable (HTTP ${status}${apiMessage ? `: ${apiMessage}` : ""}). Try again later`,
                "unavailable",
                status,
            );
        }
        if (status < 200 || status >= 300) {
            throw new TimbalApiError(
                `${context.what}: unexpected HTTP ${status} from ${method} ${url}${apiMessage ? `: ${apiMessage}` : ""}`,
                "off_spec",
                status,
            );
        }
        const read = readBody(response.data, schema);
        if ("value" in read) return read.value;
        if (method === "POST") {
            // A dispatch the API accepted, with an answer that cannot be read, may have created a job: the same as a
            // lost answer, to be looked for in the job list, never sent again blindly.
            throw new TimbalApiError(
                `${context.what}: the API accepted it (HTTP ${status}) but answered with ${read.problem}; the job may or may not have been created`,
                "ambiguous",
                status,
            );
        }
        throw new TimbalApiError(`${context.what}: ${method} ${url} answered with ${read.problem}. Is ${options.baseUrl} the Timbal API?`, "off_spec");
    }

    return {
        baseUrl: options.baseUrl,
        dispatchJob({ org_id: orgId, connector_id: connectorId }, request) {
            const url = `/orgs/${encodeURIComponent(orgId)}/connectors/${encodeURIComponent(connectorId)}/jobs`;
            const what = `dispatch to connector "${connectorId}" in org "${orgId}"`;
            return call("POST", url, dispatchResSchema, { what, orgId, connectorId, kbId: request.kb_id }, request);
        },
        async listJobs(orgId, connectorId) {
            const query = connectorId === undefined ? "" : `?connector_id=${encodeURIComponent(connectorId)}`;
            const url = `/orgs/${encodeURIComponent(orgId)}/connectors/jobs${query}`;
            const what = `list jobs of ${connectorId === undefined ? "" : `connector "${connectorId}" in `}org "${orgId}"`;
            const result = await call("GET", url, listJobsResSchema, { what, orgId, connectorId });
            return readJobs(result.jobs);
        },
    };
}

/** Finds a human message in an error body: JSON {message}, {error}, {error: {message}}, {detail}, or plain text. */
function messageFromBody(data: unknown): string {
    if (typeof data !== "string" || data.trim() === "") return "";
    let parsed: unknown;
    try {
        parsed = JSON.parse(data);
    } catch {
        return data.trim().slice(0, 500);
    }
    const pick = (value: unknown): string | undefined => {
        if (typeof value === "string") return value;
        if (value && typeof value === "object") {
            const obj = value as Record<string, unknown>;
            return pick(obj.message) ?? pick(obj.error) ?? pick(obj.detail);
        }
        return undefined;
    };
    return (pick(parsed) ?? data.trim()).slice(0, 500);
}

/** When the API names a wire field (kb_id), also name the resource input that sets it (kbId). */
function fieldHint(apiMessage: string, inputOfWireName: Readonly<Record<string, string>>): string {
    const named = Object.entries(inputOfWireName)
        .filter(([wire]) => new RegExp(`\\b${wire}\\b`).test(apiMessage))
        .map(([, input]) => input);
    return named.length ? `. Input field: ${named.join(", ")}` : "";
}

/** The body as the schema reads it, or what is wrong with it ("a body that is not JSON", "... (kb_id: ...)"). */
function readBody<S extends z.ZodType>(data: unknown, schema: S): { value: z.infer<S> } | { problem: string } {
    let json: unknown;
    try {
        json = JSON.parse(typeof data === "string" ? data : "");
    } catch {
        return { problem: "a body that is not JSON" };
    }
    const result = schema.safeParse(json);
    if (result.success) return { value: result.data };
    const problems = result.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`)
        .join("; ");
    return { problem: `a response that does not match the Timbal API spec (${problems})` };
}

function networkError(
    err: unknown,
    method: string,
    url: string,
    baseUrl: string,
    timeoutMs: number,
    clean: (text: string) => string,
): TimbalApiError {
    const code = networkErrorCode(err);
    if (code === "ECONNABORTED" || code === "ETIMEDOUT" || code === "ERR_CANCELED" || (err as Error)?.name === "TimeoutError") {
        return new TimbalApiError(`${method} ${baseUrl}${url}: no answer within ${timeoutMs / 1000} s`, "timeout");
    }
    const reason = code === "ECONNREFUSED" ? "connection refused" : clean((err as Error)?.message ?? String(err));
    return new TimbalApiError(
        `${method} ${baseUrl}${url}: cannot reach the Timbal API (${reason}). Check timbal:baseUrl / TIMBAL_BASE_URL and your network`,
        "network",
    );
}
