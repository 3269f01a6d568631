import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../harness/repo-root";
import { installedFile, requireTool } from "../../harness/require-tool";

// The GitHub Actions workflows this repository runs (.github/workflows/: the release on a tag) and ships
// (examples/environments/*.workflow.yml) pass actionlint (tools/actionlint/ensure.sh installs it).

const WORKFLOWS = [
    ...fs.readdirSync(path.join(REPO_ROOT, ".github", "workflows")).map((name) => path.join(".github", "workflows", name)),
    ...fs.readdirSync(path.join(REPO_ROOT, "examples", "environments")).filter((name) => name.endsWith(".workflow.yml")).map((name) => path.join("examples", "environments", name)),
];

describe("unit: the GitHub Actions workflows", function () {
    it("each passes actionlint", function () {
        const actionlint = requireTool(this, {
            found: installedFile("TIMBAL_ACTIONLINT", path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "timbal-actionlint", "v1.7.12", "actionlint")),
            missing: "actionlint is not installed (run tools/actionlint/ensure.sh)",
            requiredEnvVar: "TIMBAL_REQUIRE_ACTIONLINT",
        });
        assert.ok(WORKFLOWS.includes(path.join(".github", "workflows", "release.yml")), "the release workflow");
        const linted = spawnSync(actionlint, ["-no-color", ...WORKFLOWS], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.strictEqual(linted.status, 0, linted.stdout + linted.stderr);
    });
});
