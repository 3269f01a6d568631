import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { GO_IMPORT_PATH } from "../../provider/plugin/release";
import { packagesEntry } from "../../harness/language-projects";
import { artifactName, packageVersion } from "../../harness/plugin-artifact";
import { REPO_ROOT } from "../../harness/repo-root";
import { readmeBlock } from "../../harness/readme-blocks";
import { wheelPath } from "../../harness/release-artifacts";

// What users type names the release by its version: the README and the examples say the names `npm run release`
// builds and the schema publishes, at package.json's version (a version bump that leaves one behind fails here).

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8");

describe("the release's names in the README and the examples", function () {
    it("the packages entry of Pulumi.yaml is the one the release publishes, in the README and the YAML example", function () {
        assert.strictEqual(readmeBlock("### YAML", "yaml"), packagesEntry());
        assert.ok(read("examples/yaml/Pulumi.yaml").includes(packagesEntry()), "examples/yaml/Pulumi.yaml names this version's release");
    });

    it("the files the README names are those npm run release builds, at this version", function () {
        const install = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        assert.ok(install.includes(artifactName().replace(/-linux-\w+\.tar\.gz$/, "-linux-amd64.tar.gz")), artifactName());
        assert.ok(install.includes(path.basename(wheelPath())), path.basename(wheelPath()));
        assert.ok(read("examples/python/requirements.txt").includes(`./${path.basename(wheelPath())}`), "the Python example names this version's wheel");
        assert.ok(readmeBlock("### Go", "bash").includes(`${path.dirname(GO_IMPORT_PATH)}@v${packageVersion()}`), "the Go module at this version");
        assert.ok(read("examples/go/main.go").includes(`"${GO_IMPORT_PATH}"`), "the Go example imports the SDK's package");
    });
});
