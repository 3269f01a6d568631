import type * as dynamic from "@pulumi/pulumi/dynamic";
import { createTimbalClient, type TimbalApi } from "./client";
import { CONFIG_KEYS, missingApiKeyMessage, resolveSettings, SettingsError, type ResolvedSettings } from "./credentials";
import { checkInputs, INPUT_FIELDS, type ConnectorJobInputs } from "./inputs";
import { createLog, type ProviderLog } from "./log";
import { redact } from "./redact";
import { diffInputs } from "./replace";
import { JOB_STATUS_FIELDS, toDispatchReq, toJobStatus, type JobStatus } from "./wire";

// The ConnectorJob lifecycle: check validates, create dispatches once, read consults the job list, diff decides what
// re-dispatches, update never dispatches, delete forgets. Each method is small and delegates the details.

/** The outputs kept in state: every resolved input plus the job's last known status. */
export type ConnectorJobOutputs = ConnectorJobInputs & JobStatus;

export interface RuntimeOptions {
    /** Environment for credential resolution (default: process.env). */
    env?: NodeJS.ProcessEnv;
    /** Home folder holding ~/.timbal (default: the user's home). */
    homeDir?: string;
    log?: ProviderLog;
    /** Per-request timeout. */
    timeoutMs?: number;
}

/** The status a freshly dispatched job shows until the job list reports it. */
const NOT_YET_LISTED: JobStatus = { state: "dispatched", rowsEmitted: 0, kbUid: "", createdAt: "", updatedAt: "" };

function inputsOf(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(INPUT_FIELDS.filter((f) => props[f] !== undefined).map((f) => [f, props[f]]));
}

function statusOf(props: Record<string, unknown>): JobStatus {
    const kept = Object.fromEntries(JOB_STATUS_FIELDS.filter((f) => props[f] !== undefined).map((f) => [f, props[f]]));
    return { ...NOT_YET_LISTED, ...kept } as JobStatus;
}

/**
 * Outputs as plain JSON. The host cannot encode `undefined` or class instances ("Unexpected struct type"), and a
 * create that failed there would have dispatched a job that state never records.
 */
function outputsOf(inputs: Record<string, unknown>, status: JobStatus): ConnectorJobOutputs {
    return JSON.parse(JSON.stringify({ ...inputs, ...status }));
}

function describeJob(id: string, props: Partial<Record<"connectorId" | "kbId" | "destTable" | "orgId", unknown>>): string {
    return `job ${id} (connector "${props.connectorId}" → KB ${props.kbId} table "${props.destTable}", org "${props.orgId}")`;
}

export function createConnectorJobProvider(options: RuntimeOptions = {}): Required<dynamic.ResourceProvider> {
    let stackConfig: Record<string, unknown> = {};
    let settings: ResolvedSettings | undefined;
    let client: TimbalApi | undefined;
    const log = options.log ?? createLog(() => [settings?.apiKey]);

    function currentSettings(): ResolvedSettings {
        settings ??= resolveSettings({ config: stackConfig, env: options.env, homeDir: options.homeDir });
        return settings;
    }

    /** The client for a job that lives at `baseUrl`; the key is only ever sent to the configured endpoint. */
    function clientFor(baseUrl: string): TimbalApi {
        const current = currentSettings();
        if (!current.apiKey) throw new SettingsError(missingApiKeyMessage());
        if (baseUrl !== current.baseUrl) {
            throw new SettingsError(
                `this job lives at ${baseUrl}, but the provider is configured for ${current.baseUrl} ` +
                    `(from ${current.origin.baseUrl}). Point timbal:baseUrl back at ${baseUrl} to manage it`,
            );
        }
        client ??= createTimbalClient({
            baseUrl: current.baseUrl,
            apiKey: current.apiKey,
            apiKeyOrigin: current.origin.apiKey,
            timeoutMs: options.timeoutMs,
        });
        return client;
    }

    /** Errors leave the provider with the key masked, whatever produced them. */
    function guard<A extends unknown[], R>(method: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
        return async (...args: A) => {
            try {
                return await method(...args);
            } catch (err) {
                throw new Error(redact((err as Error)?.message ?? String(err), [settings?.apiKey]));
            }
        };
    }

    return {
        async configure(req) {
            stackConfig = Object.fromEntries(Object.values(CONFIG_KEYS).map((key) => [key, req.config.get(key)]));
            settings = undefined;
            client = undefined;
        },

        check: guard(async (olds, news) => {
            let resolved: ResolvedSettings;
            try {
                resolved = currentSettings();
            } catch (err) {
                if (!(err instanceof SettingsError)) throw err;
                return { inputs: news, failures: [{ property: "", reason: err.message }] };
            }
            const outcome = checkInputs(news, { orgId: resolved.orgId, baseUrl: resolved.baseUrl });
            outcome.warnings.forEach((warning) => log.warn(warning));
            return { inputs: outcome.inputs, failures: outcome.failures };
        }),

        diff: guard(async (_id, olds, news) => {
            const { changes, replaces } = diffInputs(olds, news);
            return { changes, replaces, deleteBeforeReplace: false };
        }),

        create: guard(async (inputs: ConnectorJobInputs) => {
            const api = clientFor(inputs.baseUrl);
            const { job_id: id } = await api.dispatchJob(inputs.orgId, inputs.connectorId, toDispatchReq(inputs));
            // The job exists from here on: a failing status read only costs its first status, never the job.
            let status = NOT_YET_LISTED;
            try {
                const view = (await api.listJobs(inputs.orgId, inputs.connectorId)).find((job) => job.id === id);
                if (view) status = toJobStatus(view);
                else log.warn(`${describeJob(id, inputs)} was dispatched but is not listed yet; \`pulumi refresh\` will pick up its status`);
            } catch (err) {
                log.warn(`${describeJob(id, inputs)} was dispatched, but its first status could not be read: ${(err as Error).message}`);
            }
            return { id, outs: outputsOf(inputs as unknown as Record<string, unknown>, status) };
        }),

        read: guard(async (id, props: Record<string, unknown>) => {
            const inputs = inputsOf(props);
            const kept = statusOf(props);
            const api = clientFor(String(props.baseUrl));
            const view = (await api.listJobs(String(props.orgId), String(props.connectorId))).find((job) => job.id === id);
            if (!view) {
                log.warn(
                    `${describeJob(id, props)} is no longer in Timbal's job list; keeping its last known status ` +
                        `(${kept.state}). It stays in the stack until you remove it`,
                );
                return { id, props: outputsOf(inputs, kept) };
            }
            return { id, props: outputsOf(inputs, toJobStatus(view)) };
        }),

        update: guard(async (_id, olds: Record<string, unknown>, news: Record<string, unknown>) => {
            // Only fields that are not sent to the API reach here; the job itself is untouched and its status kept.
            return { outs: outputsOf(inputsOf(news), statusOf(olds)) };
        }),

        delete: guard(async (id, props: Record<string, unknown>) => {
            log.info(
                `${describeJob(id, props)} removed from the stack. Timbal has no cancel endpoint: the job was not ` +
                    "cancelled, and the data it landed stays in the KB",
            );
        }),
    };
}

