import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../harness/repo-root";

// The YAML language host is built in tools/pulumi-cli/language-yaml/ with the current corner's pkg/v3, so that it
// reuses what the CLI's build compiled (tools/pulumi-cli/ensure.sh). A bump of the current corner's CLI must move it
// too, or a fresh machine silently compiles pkg/v3 twice again.

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");

describe("unit: the pinned tool versions agree", function () {
    it("the YAML host's module requires the pkg/v3 of the current corner's CLI (.ci/run CURRENT_SDK), which tools/pulumi-cli builds", function () {
        const current = /^CURRENT_SDK=(\S+)$/m.exec(read(".ci/run"))?.[1];
        assert.ok(current, ".ci/run sets CURRENT_SDK");
        const yamlPkg = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)/.exec(read("tools/pulumi-cli/language-yaml/go.mod"))?.[1];
        assert.strictEqual(yamlPkg, `v${current}`, "run, in tools/pulumi-cli/language-yaml: GOSUMDB=off go get github.com/pulumi/pulumi/pkg/v3@v<CURRENT_SDK> && go mod tidy");
        assert.match(read(`tools/pulumi-cli/v${current}/go.mod`), new RegExp(`github\\.com/pulumi/pulumi/pkg/v3 v${current.replace(/\./g, "\\.")}`));
    });
});
