import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ini from "ini";

// Where the API key, org and base URL come from, in Timbal's own order: explicit (Pulumi stack config), then the
// environment, then the profile files written by `timbal configure`, then the public default. Never resource inputs.

export const DEFAULT_BASE_URL = "https://api.timbal.ai";

/** Stack configuration keys, as the engine hands them to the provider's configure (namespaced). */
export const CONFIG_KEYS = {
    apiKey: "timbal:apiKey",
    orgId: "timbal:orgId",
    baseUrl: "timbal:baseUrl",
    profile: "timbal:profile",
} as const;

/** What each setting is, for the provider plugin's schema (its config and its explicit provider resource). */
export const CONFIG_DOCS: Record<keyof typeof CONFIG_KEYS, { doc: string; secret?: true }> = {
    apiKey: { doc: "the Timbal API key; else TIMBAL_API_KEY, else api_key in ~/.timbal/credentials", secret: true },
    orgId: { doc: "the Timbal org jobs are dispatched in; else TIMBAL_ORG_ID, else org in ~/.timbal/config" },
    baseUrl: { doc: `the API endpoint; else TIMBAL_BASE_URL, else base_url in ~/.timbal/config, else ${DEFAULT_BASE_URL}` },
    profile: { doc: "the profile of ~/.timbal to read; else TIMBAL_PROFILE, else default" },
};

export interface Settings {
    apiKey?: string;
    orgId?: string;
    baseUrl: string;
    /** Where each value came from, for messages ("TIMBAL_API_KEY", "stack config timbal:orgId", ...). Never the value. */
    origin: { apiKey?: string; orgId?: string; baseUrl: string };
}

export interface SettingsSources {
    /** Stack config as received in configure, e.g. { "timbal:orgId": "acme" }. */
    config?: Record<string, unknown>;
    env?: NodeJS.ProcessEnv;
    homeDir?: string;
}

export class SettingsError extends Error {
    override name = "SettingsError";
}

type Section = Record<string, unknown>;

function readIni(file: string): Record<string, Section> | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new SettingsError(`cannot read Timbal profile file ${file}: ${(err as Error).message}`);
    }
    return ini.parse(text) as Record<string, Section>;
}

/** AWS-style: `[default]` and `[profile NAME]`, with a bare `[NAME]` also accepted (as the credentials file uses). */
function profileSection(file: Record<string, Section> | undefined, profile: string): Section | undefined {
    if (!file) return undefined;
    const section = profile === "default" ? file.default : file[`profile ${profile}`] ?? file[profile];
    return section && typeof section === "object" ? section : undefined;
}

function nonEmpty(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const trimmed = value.trim();
    return trimmed === "" ? undefined : trimmed;
}

type Candidate = [value: string | undefined, origin: string];

/** The first candidate that has a value, with where it came from. */
function firstSet(...candidates: Candidate[]): { value: string; origin: string } | undefined {
    const found = candidates.find(([value]) => value !== undefined);
    return found ? { value: found[0]!, origin: found[1] } : undefined;
}

/** Resolves the key, org and base URL. Throws a SettingsError that says how to fix a bad value; never echoes a key. */
export function resolveSettings(sources: SettingsSources = {}): Settings {
    const config = sources.config ?? {};
    const env = sources.env ?? process.env;
    const configDir = nonEmpty(env.TIMBAL_CONFIG_DIR) ?? path.join(sources.homeDir ?? os.homedir(), ".timbal");
    const explicitProfile = firstSet(
        [nonEmpty(config[CONFIG_KEYS.profile]), `stack config ${CONFIG_KEYS.profile}`],
        [nonEmpty(env.TIMBAL_PROFILE), "TIMBAL_PROFILE"],
    );
    const profile = explicitProfile?.value ?? "default";

    const configFile = path.join(configDir, "config");
    const credentialsFile = path.join(configDir, "credentials");
    const profileConfig = profileSection(readIni(configFile), profile);
    const profileCredentials = profileSection(readIni(credentialsFile), profile);
    if (explicitProfile && !profileConfig && !profileCredentials) {
        throw new SettingsError(
            `Timbal profile "${profile}" (from ${explicitProfile.origin}) is not in ${configFile} or ${credentialsFile}. ` +
                "Run `timbal configure --profile " + profile + "`, or name a profile that exists",
        );
    }

    const apiKey = firstSet(
        [nonEmpty(config[CONFIG_KEYS.apiKey]), `stack config ${CONFIG_KEYS.apiKey}`],
        [nonEmpty(env.TIMBAL_API_KEY), "TIMBAL_API_KEY"],
        [nonEmpty(profileCredentials?.api_key), `${credentialsFile} [${profile}]`],
    );
    const orgId = firstSet(
        [nonEmpty(config[CONFIG_KEYS.orgId]), `stack config ${CONFIG_KEYS.orgId}`],
        [nonEmpty(env.TIMBAL_ORG_ID), "TIMBAL_ORG_ID"],
        [nonEmpty(profileConfig?.org), `${configFile} [${profile}]`],
    );
    const baseUrl = firstSet(
        [nonEmpty(config[CONFIG_KEYS.baseUrl]), `stack config ${CONFIG_KEYS.baseUrl}`],
        [nonEmpty(env.TIMBAL_BASE_URL), "TIMBAL_BASE_URL"],
        [nonEmpty(profileConfig?.base_url), `${configFile} [${profile}]`],
    ) ?? { value: DEFAULT_BASE_URL, origin: "the default" };

    return {
        apiKey: apiKey?.value,
        orgId: orgId?.value,
        baseUrl: normalizeBaseUrl(baseUrl.value, baseUrl.origin),
        origin: { apiKey: apiKey?.origin, orgId: orgId?.origin, baseUrl: baseUrl.origin },
    };
}

/** Checks a base URL and strips what would make two spellings of one endpoint differ (trailing slash). */
export function normalizeBaseUrl(value: string, origin: string): string {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new SettingsError(`the Timbal base URL from ${origin} is not a URL: ${JSON.stringify(value)}. Use e.g. ${DEFAULT_BASE_URL}`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new SettingsError(`the Timbal base URL from ${origin} must start with https:// (got ${url.protocol}//)`);
    }
    // The key travels in a header: plain http only to this machine (a local emulator).
    if (url.protocol === "http:" && !isLoopback(url.hostname)) {
        throw new SettingsError(
            `the Timbal base URL from ${origin} must use https:// (${url.host} is not this machine; ` +
                "plain http is allowed only for a local emulator on 127.0.0.1, [::1] or localhost)",
        );
    }
    if (url.username || url.password || url.search || url.hash) {
        throw new SettingsError(`the Timbal base URL from ${origin} must be a plain origin and path, without credentials, query or fragment`);
    }
    return url.toString().replace(/\/+$/, "");
}

function isLoopback(hostname: string): boolean {
    return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The message for a missing key: every way to set it. */
export function missingApiKeyMessage(): string {
    return (
        "no Timbal API key is configured. Set it with `pulumi config set --secret timbal:apiKey <key>`, " +
        "or TIMBAL_API_KEY, or `api_key` in your ~/.timbal/credentials profile (`timbal configure`)"
    );
}
