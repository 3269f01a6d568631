import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { generateSdk, SDK_DIRS, sdkFiles, type SdkLanguage } from "../../harness/generated-sdks";
import { pluginDownloadUrl } from "../../provider/plugin/release";
import { requirePulumiCli } from "../../harness/pulumi-cli";
import { REPO_ROOT } from "../../harness/repo-root";

// sdk/python and sdk/go are generated from plugin/schema.json (npm run sdks) by the CLI's own generator: a schema
// changed without them fails here.

const PLUGIN_FILES: Record<SdkLanguage, string> = { python: path.join("pulumi_timbal", "pulumi-plugin.json"), go: path.join("timbal", "pulumi-plugin.json") };

for (const language of ["python", "go"] as const) {
    describe(`the ${language === "python" ? "Python" : "Go"} SDK (sdk/${language})`, function () {
        this.timeout(120_000);

        it(`is the one \`pulumi package gen-sdk --language ${language}\` generates from plugin/schema.json, and asks for this version's plugin from the release page`, function () {
            const binDir = requirePulumiCli(this, [language]);
            const out = fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${language}-sdk-check-`));
            try {
                const fresh = sdkFiles(generateSdk(binDir, language, out));
                const committed = sdkFiles(SDK_DIRS[language]);
                const differing = [...new Set([...fresh.keys(), ...committed.keys()])].filter((file) => fresh.get(file) !== committed.get(file));
                assert.deepStrictEqual(differing, [], `sdk/${language} is stale: run npm run sdks`);
                const plugin = JSON.parse(fresh.get(PLUGIN_FILES[language])!);
                const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
                assert.deepStrictEqual(plugin, { resource: true, name: "timbal", version, server: pluginDownloadUrl(version) }, "the SDK asks for the plugin of this package's version");
            } finally {
                fs.rmSync(out, { recursive: true, force: true });
            }
        });
    });
}
