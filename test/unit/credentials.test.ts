import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_BASE_URL, resolveSettings, SettingsError } from "../../provider/lifecycle/settings";
import { emptyHome } from "../../harness/fixtures";
import { registerSecret } from "../../harness/secret-guard";

// Resolution order: stack config, then TIMBAL_* environment, then ~/.timbal profiles, then the default base URL.

const CONFIG_KEY = registerSecret("tmbl_cfg_key_0123456789");
const ENV_KEY = registerSecret("tmbl_env_key_0123456789");
const PROFILE_KEY = registerSecret("tmbl_profile_key_0123456789");
const STAGING_KEY = registerSecret("tmbl_staging_key_0123456789");

function homeWithProfiles(): string {
    const home = emptyHome();
    fs.mkdirSync(path.join(home, ".timbal"));
    fs.writeFileSync(
        path.join(home, ".timbal", "config"),
        "[default]\nbase_url = https://api.dev.timbal.ai\norg = profile-org\n\n[profile staging]\nbase_url = https://staging.example.com/\norg = staging-org\n",
    );
    fs.writeFileSync(
        path.join(home, ".timbal", "credentials"),
        `[default]\napi_key = ${PROFILE_KEY}\n\n[staging]\napi_key = ${STAGING_KEY}\n`,
    );
    return home;
}

describe("credentials: key, org and base URL resolution", function () {
    it("prefers stack config over the environment over profiles", function () {
        const settings = resolveSettings({
            config: { "timbal:apiKey": CONFIG_KEY, "timbal:orgId": "cfg-org", "timbal:baseUrl": "https://cfg.example.com" },
            env: { TIMBAL_API_KEY: ENV_KEY, TIMBAL_ORG_ID: "env-org", TIMBAL_BASE_URL: "https://env.example.com" },
            homeDir: homeWithProfiles(),
        });
        assert.strictEqual(settings.apiKey, CONFIG_KEY);
        assert.strictEqual(settings.orgId, "cfg-org");
        assert.strictEqual(settings.baseUrl, "https://cfg.example.com");
        assert.deepStrictEqual(settings.origin, {
            apiKey: "stack config timbal:apiKey",
            orgId: "stack config timbal:orgId",
            baseUrl: "stack config timbal:baseUrl",
        });
    });

    it("uses the environment when the stack config is silent", function () {
        const settings = resolveSettings({
            config: {},
            env: { TIMBAL_API_KEY: ENV_KEY, TIMBAL_ORG_ID: "env-org", TIMBAL_BASE_URL: "https://env.example.com/" },
            homeDir: homeWithProfiles(),
        });
        assert.strictEqual(settings.apiKey, ENV_KEY);
        assert.strictEqual(settings.orgId, "env-org");
        assert.strictEqual(settings.baseUrl, "https://env.example.com", "the trailing slash is dropped");
        assert.strictEqual(settings.origin.apiKey, "TIMBAL_API_KEY");
    });

    it("falls back to the default profile of ~/.timbal", function () {
        const home = homeWithProfiles();
        const settings = resolveSettings({ config: {}, env: {}, homeDir: home });
        assert.strictEqual(settings.apiKey, PROFILE_KEY);
        assert.strictEqual(settings.orgId, "profile-org");
        assert.strictEqual(settings.baseUrl, "https://api.dev.timbal.ai");
        assert.strictEqual(settings.origin.apiKey, `${path.join(home, ".timbal", "credentials")} [default]`);
    });

    it("reads the profile named by TIMBAL_PROFILE ([profile x] in config, [x] in credentials)", function () {
        const settings = resolveSettings({ config: {}, env: { TIMBAL_PROFILE: "staging" }, homeDir: homeWithProfiles() });
        assert.strictEqual(settings.apiKey, STAGING_KEY);
        assert.strictEqual(settings.orgId, "staging-org");
        assert.strictEqual(settings.baseUrl, "https://staging.example.com");
    });

    it("lets timbal:profile in stack config pick the profile, ahead of TIMBAL_PROFILE", function () {
        const settings = resolveSettings({ config: { "timbal:profile": "staging" }, env: { TIMBAL_PROFILE: "default" }, homeDir: homeWithProfiles() });
        assert.strictEqual(settings.orgId, "staging-org");
    });

    it("reads profiles from TIMBAL_CONFIG_DIR", function () {
        const dir = path.join(homeWithProfiles(), ".timbal");
        const settings = resolveSettings({ config: {}, env: { TIMBAL_CONFIG_DIR: dir }, homeDir: emptyHome() });
        assert.strictEqual(settings.orgId, "profile-org");
    });

    it("defaults the base URL to the public API and leaves key and org unset when nothing is configured", function () {
        const settings = resolveSettings({ config: {}, env: {}, homeDir: emptyHome() });
        assert.strictEqual(settings.baseUrl, DEFAULT_BASE_URL);
        assert.strictEqual(settings.apiKey, undefined);
        assert.strictEqual(settings.orgId, undefined);
    });

    it("fails clearly on a named profile that does not exist", function () {
        assert.throws(
            () => resolveSettings({ config: {}, env: { TIMBAL_PROFILE: "nope" }, homeDir: homeWithProfiles() }),
            (err: Error) => err instanceof SettingsError && /Timbal profile "nope" \(from TIMBAL_PROFILE\) is not in .*config or .*credentials/.test(err.message),
        );
    });

    it("fails clearly on a base URL that is not one, naming where it came from", function () {
        assert.throws(
            () => resolveSettings({ config: { "timbal:baseUrl": "api.timbal.ai" }, env: {}, homeDir: emptyHome() }),
            /the Timbal base URL from stack config timbal:baseUrl is not a URL: "api.timbal.ai"/,
        );
        assert.throws(
            () => resolveSettings({ config: {}, env: { TIMBAL_BASE_URL: "ftp://x" }, homeDir: emptyHome() }),
            /base URL from TIMBAL_BASE_URL must start with https:\/\//,
        );
    });

    it("requires https for anything but this machine, so the key never crosses a network in clear", function () {
        assert.throws(
            () => resolveSettings({ config: { "timbal:baseUrl": "http://api.timbal.ai" }, env: {}, homeDir: emptyHome() }),
            /the Timbal base URL from stack config timbal:baseUrl must use https:\/\/ \(api\.timbal\.ai is not this machine; plain http is allowed only for a local emulator/,
        );
        assert.throws(() => resolveSettings({ config: {}, env: { TIMBAL_BASE_URL: "http://10.0.0.5:8787" }, homeDir: emptyHome() }), /must use https:\/\//);
        for (const local of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787"]) {
            assert.strictEqual(resolveSettings({ config: {}, env: { TIMBAL_BASE_URL: local }, homeDir: emptyHome() }).baseUrl, local);
        }
    });

    it("ignores blank values as if unset", function () {
        const settings = resolveSettings({ config: { "timbal:orgId": "  " }, env: { TIMBAL_ORG_ID: "env-org" }, homeDir: emptyHome() });
        assert.strictEqual(settings.orgId, "env-org");
    });
});
