import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Emulator } from "../../emulator";
import { emulator } from "../../harness/fixtures";
import { installedFile, requireTool } from "../../harness/require-tool";
import { recordArtifact } from "../../harness/secret-guard";

// Conformance of the emulator to the published spec: schemathesis, from PyPI, generates requests from an OpenAPI file
// assembled from ../shared/timbal-api (tools/conformance/openapi.yaml) and checks every answer against it: status
// codes, content types, response schemas, rejection of invalid data, acceptance of valid data, auth.

const CONFORMANCE = path.resolve(__dirname, "..", "..", "tools", "conformance");
const CACHED_ST = path.join(os.homedir(), ".cache", "timbal-conformance", "venv", "bin", "st");

describe("conformance of the emulator to the spec (schemathesis)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let st: string;

    before(async function () {
        st = requireTool(this, {
            found: installedFile("TIMBAL_SCHEMATHESIS", CACHED_ST),
            missing: "schemathesis is not installed (run tools/conformance/ensure.sh)",
            requiredEnvVar: "TIMBAL_REQUIRE_SCHEMATHESIS",
        });
        // Boundary values (kb_id 0, 1) are what the generator tries first: with such KBs, more generated dispatches get
        // past the KB lookup to the checks behind it.
        const kbs = [0, 1, 101].map((id) => ({ id, uid: `kb_${id}` }));
        const connectors = [{ id: "edge-box", capabilities: ["source:postgres", "source:sql_server", "kb:local"] }];
        emu = await emulator({ seed: { orgs: [{ id: "acme-dev", connectors, kbs }] } });
    });

    after(async () => emu?.stop());

    it("every generated request gets an answer the spec allows", async function () {
        const args = [
            "--config-file", path.join(CONFORMANCE, "schemathesis.toml"),
            "run", path.join(CONFORMANCE, "openapi.yaml"),
            "--url", emu.url,
            "-H", `Authorization: Bearer ${emu.apiKey}`,
            "--checks", "all",
            "--exclude-checks", "missing_required_header",
            "--max-examples", "200",
            "--seed", "20261122",
        ];
        const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
            // Its caches (.schemathesis, .hypothesis) go to a temp folder, not into the repository.
            const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-schemathesis-"));
            const child = spawn(st, args, { cwd, env: { ...process.env, NO_COLOR: "1", SCHEMATHESIS_TELEMETRY: "false" } });
            let output = "";
            child.stdout.on("data", (chunk) => (output += chunk));
            child.stderr.on("data", (chunk) => (output += chunk));
            child.once("error", reject);
            child.once("exit", (exit) => resolve({ code: exit ?? -1, output }));
        });
        recordArtifact("schemathesis output", output);
        const summary = /(\d+) generated, (\d+) passed/.exec(output);
        if (summary) console.log(`      ${summary[0]}`);
        const statuses: Record<string, number> = {};
        for (const r of emu.requests) statuses[`${r.method} ${r.status}`] = (statuses[`${r.method} ${r.status}`] ?? 0) + 1;
        console.log(`      answers: ${JSON.stringify(statuses)}`);
        assert.strictEqual(code, 0, output.slice(-4000));
        assert.ok(summary && Number(summary[1]) > 100, "schemathesis generated requests");
        // Successful list answers had their bodies checked against JobView. (A generated dispatch is rarely accepted:
        // mode and placement are free strings in the schema; the 202 body is checked by the client tests.)
        assert.ok(emu.requests.some((r) => r.method === "GET" && r.status === 200), "successful answers were checked");
        assert.ok(emu.requests.some((r) => r.method === "POST" && r.status === 400), "invalid dispatches were generated");
    });
});
