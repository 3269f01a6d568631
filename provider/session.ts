import type * as dynamic from "@pulumi/pulumi/dynamic";
import { createTimbalClient, type TimbalApi } from "./client";
import { CONFIG_KEYS, missingApiKeyMessage, resolveSettings, SettingsError, type ResolvedSettings } from "./credentials";
import { createDispatcher, type Dispatcher } from "./dispatch";
import { createDispatchJournal, type DispatchJournal } from "./dispatch-journal";
import { createJobLists, type JobLists, type SharingOptions } from "./job-list";
import { createLog, type ProviderLog } from "./log";
import type { RetryPolicy } from "./retry";
import { createWaiter, type Waiter } from "./waiter";

// What the two providers of one provider-host process share: the stack's settings (from configure), and one API
// (client, job lists, poll loops, dispatcher) so that the ConnectorJob reads and the completion waits of a connector
// share their list requests.

export interface SessionOptions {
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
    /** How long a dispatch whose answer was lost keeps reading the job list to find its job (see dispatch.ts). */
    reconcileForMs?: number;
    /** Where interrupted dispatches are remembered across runs (see dispatch-journal.ts); false: nowhere. */
    journalDir?: string | false;
}

export interface Api {
    client: TimbalApi;
    lists: JobLists;
    waiter: Waiter;
    dispatcher: Dispatcher;
}

export interface Session {
    log: ProviderLog;
    journal: DispatchJournal;
    /**
     * Extractions whose resource is in state as unconfirmed (its dispatch's answer was lost and the job list could not
     * be read), and since when: diff learns it from the old outputs, the create that replaces the resource uses it.
     */
    unconfirmed: Map<string, number>;
    configure(req: dynamic.ConfigureRequest): void;
    /** The resolved settings; throws a SettingsError that says how to fix them. */
    settings(): ResolvedSettings;
    /** The API for a job that lives at `baseUrl`; the key is only ever sent to the configured endpoint. */
    apiFor(baseUrl: string): Api;
    /** The key, for redaction; undefined before it is resolved. */
    secret(): string | undefined;
}

export function createSession(options: SessionOptions = {}): Session {
    let stackConfig: Record<string, unknown> = {};
    let configured = "";
    let settings: ResolvedSettings | undefined;
    let api: Api | undefined;
    const log = options.log ?? createLog(() => [settings?.apiKey]);
    const journal = createDispatchJournal(options.journalDir, log);
    const unconfirmed = new Map<string, number>();

    function currentSettings(): ResolvedSettings {
        settings ??= resolveSettings({ config: stackConfig, env: options.env, homeDir: options.homeDir });
        return settings;
    }

    return {
        log,
        journal,
        unconfirmed,
        configure(req) {
            const next = Object.fromEntries(Object.values(CONFIG_KEYS).map((key) => [key, req.config.get(key)]));
            // Each provider of the process configures once, with the same config: only a change starts afresh.
            const text = JSON.stringify(next);
            if (text === configured) return;
            configured = text;
            stackConfig = next;
            settings = undefined;
            api = undefined;
        },
        settings: currentSettings,
        secret: () => settings?.apiKey,
        apiFor(baseUrl) {
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
                const lists = createJobLists(client, options.jobLists, log);
                api = {
                    client,
                    lists,
                    waiter: createWaiter(lists, log, { shareLoops: options.jobLists?.share }),
                    dispatcher: createDispatcher(client, lists, log, journal, { reconcileForMs: options.reconcileForMs, unconfirmed }),
                };
            }
            return api;
        },
    };
}
