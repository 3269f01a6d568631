import type { ConfigureRequest } from "./resource-lifecycle";
import { createTimbalClient, type TimbalApi } from "../api/client";
import type { Clock } from "../support/clock";
import { createLog, type ProviderLog } from "../support/log";
import type { RetryPolicy } from "../api/retry";
import { CONFIG_KEYS, missingApiKeyMessage, resolveSettings, SettingsError, type Settings } from "./settings";
import { createDecisionClock, type DecisionClock } from "../jobs/decision-clock";
import { createDispatchJournal, type DispatchJournal } from "../jobs/dispatch-journal";
import { INPUT_OF_WIRE_NAME } from "../fields/dispatch-body";
import type { SharingOptions } from "../jobs/job-lists";
import { createJobs, type Jobs } from "../jobs/jobs-service";

// What the two lifecycles of one provider-host process share: the stack's settings (from configure), and one jobs
// service per endpoint (its job lists, poll loops, dispatcher), so that the ConnectorJob reads and the completion
// waits of a connector share their list requests.

export interface SessionOptions {
    /** Environment for credential resolution (default: process.env). */
    env?: NodeJS.ProcessEnv;
    /** Home folder holding ~/.timbal (default: the user's home). */
    homeDir?: string;
    log?: ProviderLog;
    /** Per-request timeout. */
    timeoutMs?: number;
    /** Retries of the API client (see api/retry.ts). */
    retry?: Partial<RetryPolicy>;
    /** How job-list requests are shared between resources (see jobs/job-lists.ts). */
    jobLists?: SharingOptions;
    /** How long a dispatch whose answer was lost keeps reading the job list to find its job (see jobs/dispatcher.ts). */
    reconcileForMs?: number;
    /** Where interrupted dispatches are remembered across runs (see jobs/dispatch-journal.ts); false: nowhere. */
    journalDir?: string | false;
    /** The API client for a set of settings (default: HTTP to the configured endpoint). */
    connect?: (settings: Settings & { apiKey: string }) => TimbalApi;
    clock?: Clock;
}

export interface Session {
    log: ProviderLog;
    journal: DispatchJournal;
    /** The instant the run policy judges a job at, the same for a preview and the `up` that follows. */
    decisionClock: DecisionClock;
    configure(req: ConfigureRequest): void;
    /** The resolved settings; throws a SettingsError that says how to fix them. */
    settings(): Settings;
    /** The jobs service for jobs that live at `baseUrl`; the key is only ever sent to the configured endpoint. */
    jobsAt(baseUrl: string): Jobs;
    /** The key, for redaction; undefined before it is resolved. */
    secret(): string | undefined;
    /** Ends every wait, now and from now on: the engine cancelled the deployment (the first Ctrl-C). */
    cancel(): void;
}

export function createSession(options: SessionOptions = {}): Session {
    let stackConfig: Record<string, unknown> = {};
    let configured = "";
    let settings: Settings | undefined;
    let jobs: Jobs | undefined;
    const log = options.log ?? createLog(() => [settings?.apiKey]);
    const journal = createDispatchJournal(options.journalDir, log, options.clock);
    const decisionClock = createDecisionClock(options.journalDir, options.clock);
    let cancelled = false;

    function currentSettings(): Settings {
        settings ??= resolveSettings({ config: stackConfig, env: options.env, homeDir: options.homeDir });
        return settings;
    }

    return {
        log,
        journal,
        decisionClock,
        configure(req) {
            const next = Object.fromEntries(Object.values(CONFIG_KEYS).map((key) => [key, req.config.get(key)]));
            // Each provider of the process configures once, with the same config: only a change starts afresh.
            const text = JSON.stringify(next);
            if (text === configured) return;
            configured = text;
            stackConfig = next;
            settings = undefined;
            jobs = undefined;
        },
        settings: currentSettings,
        secret: () => settings?.apiKey,
        cancel() {
            cancelled = true;
            jobs?.cancelWaits();
        },
        jobsAt(baseUrl) {
            const current = currentSettings();
            const apiKey = current.apiKey;
            if (!apiKey) throw new SettingsError(missingApiKeyMessage());
            if (baseUrl !== current.baseUrl) {
                throw new SettingsError(
                    `this job lives at ${baseUrl}, but the provider is configured for ${current.baseUrl} ` +
                        `(from ${current.origin.baseUrl}). Point timbal:baseUrl back at ${baseUrl} to manage it`,
                );
            }
            if (jobs) return jobs;
            jobs = createJobs((options.connect ?? connectOverHttp)({ ...current, apiKey }), log, journal, {
                sharing: options.jobLists,
                reconcileForMs: options.reconcileForMs,
                clock: options.clock,
            });
            // A service made after the engine cancelled (settings changed since) starts cancelled too.
            if (cancelled) jobs.cancelWaits();
            return jobs;
        },
    };

    function connectOverHttp(current: Settings & { apiKey: string }): TimbalApi {
        return createTimbalClient({
            baseUrl: current.baseUrl,
            apiKey: current.apiKey,
            apiKeyOrigin: current.origin.apiKey,
            timeoutMs: options.timeoutMs,
            retry: options.retry,
            clock: options.clock,
            inputOfWireName: INPUT_OF_WIRE_NAME,
        });
    }
}
