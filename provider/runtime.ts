import type * as dynamic from "@pulumi/pulumi/dynamic";
import { findAdoptableJob } from "./adopt";
import { createTimbalClient, type TimbalApi } from "./client";
import { PartialFailure, settle, waitOptions } from "./completion";
import { describeJob } from "./describe";
import { createDispatcher, type Dispatcher } from "./dispatch";
import { CONFIG_KEYS, missingApiKeyMessage, resolveSettings, SettingsError, type ResolvedSettings } from "./credentials";
import { checkInputs, INPUT_FIELDS, type ConnectorJobInputs } from "./inputs";
import { createJobLists, type JobLists, type SharingOptions } from "./job-list";
import { createLog, type ProviderLog } from "./log";
import { redact } from "./redact";
import type { RetryPolicy } from "./retry";
import { adoptionConflicts, diffInputs } from "./replace";
import { createWaiter, type Waiter } from "./waiter";
import { JOB_STATUS_FIELDS, toJobStatus, type JobStatus } from "./wire";

// The ConnectorJob lifecycle: check validates, create dispatches once (or adopts), read consults the job list, diff
// decides what re-dispatches, update never dispatches, delete forgets; create and update wait when asked to. Each
// method is small and delegates the details.

export interface RuntimeOptions {
    /** Environment for credential resolution (default: process.env). */
    env?: NodeJS.ProcessEnv;
    /** Home folder holding ~/.timbal (default: the user's home). */
    homeDir?: string;
    log?: ProviderLog;
    /** Per-request timeout. */
    timeoutMs?: number;
    /** Retries of the API client (see retry.ts). */
    retry?: Partial<RetryPolicy>;
    /** How job-list requests are shared between resources (see job-list.ts). */
    jobLists?: SharingOptions;
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
function outputsOf(inputs: Record<string, unknown>, status: JobStatus): Record<string, unknown> {
    return JSON.parse(JSON.stringify({ ...inputs, ...status }));
}

interface Api {
    client: TimbalApi;
    lists: JobLists;
    waiter: Waiter;
    dispatcher: Dispatcher;
}

export function createConnectorJobProvider(options: RuntimeOptions = {}): Required<dynamic.ResourceProvider> {
    let stackConfig: Record<string, unknown> = {};
    let settings: ResolvedSettings | undefined;
    let api: Api | undefined;
    const log = options.log ?? createLog(() => [settings?.apiKey]);

    function currentSettings(): ResolvedSettings {
        settings ??= resolveSettings({ config: stackConfig, env: options.env, homeDir: options.homeDir });
        return settings;
    }

    /** The API for a job that lives at `baseUrl`; the key is only ever sent to the configured endpoint. */
    function apiFor(baseUrl: string): Api {
        const current = currentSettings();
        if (!current.apiKey) throw new SettingsError(missingApiKeyMessage());
        if (baseUrl !== current.baseUrl) {
            throw new SettingsError(
                `this job lives at ${baseUrl}, but the provider is configured for ${current.baseUrl} ` +
                    `(from ${current.origin.baseUrl}). Point timbal:baseUrl back at ${baseUrl} to manage it`,
            );
        }
        if (!api) {
            const client = createTimbalClient({
                baseUrl: current.baseUrl,
                apiKey: current.apiKey,
                apiKeyOrigin: current.origin.apiKey,
                timeoutMs: options.timeoutMs,
                retry: options.retry,
            });
            const lists = createJobLists(client, options.jobLists);
            api = {
                client,
                lists,
                waiter: createWaiter(lists, log, { shareLoops: options.jobLists?.share }),
                dispatcher: createDispatcher(client, lists, log),
            };
        }
        return api;
    }

    /** Outputs after waiting when `waitForCompletion` asks for it; a failed or unfinished job is a PartialFailure. */
    async function completed(id: string, inputs: Record<string, unknown>, status: JobStatus): Promise<Record<string, unknown>> {
        const outputs = (s: JobStatus) => outputsOf({ ...inputsOf(inputs), __provider: inputs.__provider }, s);
        const wait = waitOptions(inputs.waitForCompletion as ConnectorJobInputs["waitForCompletion"]);
        if (!wait) return outputs(status);
        const job = { id, orgId: String(inputs.orgId), connectorId: String(inputs.connectorId), label: describeJob(id, inputs) };
        return settle({ waiter: apiFor(String(inputs.baseUrl)).waiter, job, options: wait, status, outputs });
    }

    /** Errors leave the provider with the key masked, whatever produced them. */
    function guard<A extends unknown[], R>(method: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
        return async (...args: A) => {
            try {
                return await method(...args);
            } catch (err) {
                const message = redact((err as Error)?.message ?? String(err), [settings?.apiKey]);
                if (err instanceof PartialFailure) throw new PartialFailure(message, err.id, err.properties);
                throw new Error(message);
            }
        };
    }

    return {
        async configure(req) {
            stackConfig = Object.fromEntries(Object.values(CONFIG_KEYS).map((key) => [key, req.config.get(key)]));
            settings = undefined;
            api = undefined;
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
            const conflicts = adoptionConflicts(olds, outcome.inputs).map((reason) => ({ property: "", reason }));
            return { inputs: outcome.inputs, failures: [...outcome.failures, ...conflicts] };
        }),

        diff: guard(async (id, olds, news) => {
            const { changes, replaces } = diffInputs(id, olds, news);
            return { changes, replaces, deleteBeforeReplace: false };
        }),

        create: guard(async (inputs: ConnectorJobInputs) => {
            const { lists, dispatcher } = apiFor(inputs.baseUrl);
            const record = inputs as unknown as Record<string, unknown>;
            if (inputs.adoptJobId !== undefined) {
                const job = await findAdoptableJob(lists, { ...inputs, adoptJobId: inputs.adoptJobId });
                dispatcher.claim(job.id);
                log.info(`${describeJob(job.id, inputs)} adopted: nothing was dispatched`);
                return { id: job.id, outs: await completed(job.id, record, toJobStatus(job)) };
            }
            const id = await dispatcher.dispatch(inputs);
            const dispatchedAt = Date.now();
            // Waiting can be interrupted before the id reaches state: put the id on screen first.
            if (waitOptions(inputs.waitForCompletion)) log.info(`dispatched ${describeJob(id, inputs)}; waiting for it to finish`);
            // The job exists from here on: a failing status read only costs its first status, never the job.
            let status = NOT_YET_LISTED;
            try {
                const view = (await lists.list(inputs.orgId, inputs.connectorId, dispatchedAt)).find((job) => job.id === id);
                if (view) status = toJobStatus(view);
                else log.warn(`${describeJob(id, inputs)} was dispatched but is not listed yet; \`pulumi refresh\` will pick up its status`);
            } catch (err) {
                log.warn(`${describeJob(id, inputs)} was dispatched, but its first status could not be read: ${(err as Error).message}`);
            }
            return { id, outs: await completed(id, record, status) };
        }),

        read: guard(async (id, props: Record<string, unknown>) => {
            const inputs = inputsOf(props);
            const kept = statusOf(props);
            const { lists } = apiFor(String(props.baseUrl));
            const view = (await lists.list(String(props.orgId), String(props.connectorId))).find((job) => job.id === id);
            if (!view) {
                log.warn(
                    `${describeJob(id, props)} is no longer in Timbal's job list; keeping its last known status ` +
                        `(${kept.state}). It stays in the stack until you remove it`,
                );
                return { id, props: outputsOf(inputs, kept) };
            }
            return { id, props: outputsOf(inputs, toJobStatus(view)) };
        }),

        update: guard(async (id, olds: Record<string, unknown>, news: Record<string, unknown>) => {
            // Only fields that are not sent to the API change here (or nothing, when the engine resumes a resource
            // whose create or update failed): the job itself is never re-dispatched, and waited on if asked.
            return { outs: await completed(id, news, statusOf(olds)) };
        }),

        delete: guard(async (id, props: Record<string, unknown>) => {
            log.info(
                `${describeJob(id, props)} removed from the stack. Timbal has no cancel endpoint: the job was not ` +
                    "cancelled, and the data it landed stays in the KB",
            );
        }),
    };
}

