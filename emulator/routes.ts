import type { IncomingMessage, ServerResponse } from "http";
import { validateDispatchReq } from "./dispatch-request";
import { AFTER_PROCESSING, type FaultInjector, type FaultKind } from "./faults";
import type { World } from "./world";

// The two endpoints, with auth and the status codes exactly as the spec lists them:
//   POST /orgs/{org_id}/connectors/{connector_id}/jobs  -> 202 {job_id}; 400, 403, 404, 422
//   GET  /orgs/{org_id}/connectors/jobs[?connector_id=] -> 200 {jobs};   403

export interface RequestRecord {
    method: string;
    /** Path without the query. */
    path: string;
    /** The connector_id query parameter of a list, or the connector of a dispatch. */
    connectorId?: string;
    orgId?: string;
    status: number;
    /** Real time the request arrived, epoch ms. */
    at: number;
    /** The fault injected into this request, if any. */
    fault?: FaultKind;
}

export interface HandlerOptions {
    latencyMs: number;
    faults: FaultInjector;
    /** Echo the request's headers into error messages, as some APIs do (the provider must mask the key). */
    echoRequestHeaders: boolean;
}

export interface Access {
    /** Keys and the orgs each may use. */
    orgsFor(key: string): ReadonlySet<string> | undefined;
}

const MAX_BODY_BYTES = 1 << 20;

function readBody(req: IncomingMessage): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) resolve(undefined);
            else chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

function bearer(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
    return match?.[1].trim();
}

export function createHandler(world: World, access: Access, log: RequestRecord[], options: HandlerOptions) {
    return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
        const url = new URL(req.url ?? "/", "http://emulator");
        const record: RequestRecord = { method: req.method ?? "?", path: url.pathname, status: 0, at: Date.now() };
        log.push(record);
        if (options.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const fault = options.faults.pick(record.method);
        record.fault = fault;
        if (fault && options.faults.strikeBefore(fault, req, res)) {
            record.status = res.headersSent ? res.statusCode : 0;
            req.resume();
            return;
        }
        const reply = (status: number, body: unknown) => {
            record.status = status;
            const text = JSON.stringify(body);
            if (fault && AFTER_PROCESSING.has(fault)) options.faults.strikeAfter(fault, req, res, status, text);
            else res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) }).end(text);
        };
        const fail = (status: number, error: string, message: string) => {
            const echo = options.echoRequestHeaders ? ` (request headers: ${JSON.stringify(req.headers)})` : "";
            reply(status, { error, message: `${message}${echo}` });
        };

        const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
        const isList = segments.length === 4 && segments[0] === "orgs" && segments[2] === "connectors" && segments[3] === "jobs";
        const isDispatch = segments.length === 5 && segments[0] === "orgs" && segments[2] === "connectors" && segments[4] === "jobs";
        if (!isList && !isDispatch) return fail(404, "not_found", `no route for ${url.pathname}`);
        if ((isList && req.method !== "GET") || (isDispatch && req.method !== "POST")) {
            res.setHeader("Allow", isList ? "GET" : "POST");
            return fail(405, "method_not_allowed", `${req.method} is not allowed on ${url.pathname}`);
        }
        const orgId = segments[1];
        record.orgId = orgId;

        const key = bearer(req);
        const orgs = key === undefined ? undefined : access.orgsFor(key);
        if (!orgs || !orgs.has(orgId) || !world.org(orgId)) {
            return fail(403, "forbidden", key === undefined ? "missing bearer token" : `forbidden for org ${orgId}`);
        }

        if (isList) {
            const connectorId = url.searchParams.get("connector_id") ?? undefined;
            record.connectorId = connectorId;
            return reply(200, { jobs: world.list(orgId, connectorId) });
        }

        const connectorId = segments[3];
        record.connectorId = connectorId;
        const text = await readBody(req);
        if (text === undefined) return fail(400, "invalid_request", "request body too large");
        let body: unknown;
        try {
            body = JSON.parse(text);
        } catch {
            return fail(400, "invalid_request", "request body is not valid JSON");
        }
        const validation = validateDispatchReq(body);
        if (!validation.ok) {
            return fail(validation.status, validation.status === 400 ? "invalid_request" : "unprocessable_entity", validation.message);
        }
        const request = validation.request;
        const outcome = world.dispatch(orgId, connectorId, {
            kbId: request.kb_id,
            destTable: request.dest_table,
            sourceKind: request.source.kind,
            sourceTable: request.source.table,
            mode: request.mode ?? "create",
            placement: request.placement ?? "hosted",
            batchRows: request.batch_rows ?? 5000,
            batchDelayMs: request.pacing?.batch_delay_ms ?? 0,
            maxRowsPerSec: request.pacing?.max_rows_per_sec ?? 0,
            body: body as Record<string, unknown>,
        });
        if (!outcome.ok) return fail(outcome.status, outcome.status === 404 ? "not_found" : "unprocessable_entity", outcome.message);
        return reply(202, { job_id: outcome.job.id });
    };
}
