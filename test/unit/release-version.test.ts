import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageVersion } from "../../harness/plugin-artifact";
import { REPO_ROOT } from "../../harness/repo-root";
import { setVersion, VERSIONED_PLACES, writtenVersions } from "../../release/version";

// One version, written everywhere the release names it (release/version.ts), and `npm run release:version` moves them
// all at once.

describe("unit: the release's version", function () {
    it("every place that names it says package.json's, and CHANGELOG.md has its entry", function () {
        const wrong = writtenVersions(REPO_ROOT).filter(({ version }) => version !== packageVersion());
        assert.deepStrictEqual(wrong, []);
        assert.match(fs.readFileSync(path.join(REPO_ROOT, "CHANGELOG.md"), "utf8"), new RegExp(`^## ${packageVersion().replace(/\./g, "\\.")}$`, "m"));
    });

    it("release:version writes a new version in every place, and leaves the old one nowhere in those files", function () {
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-version-"));
        const files = [...new Set(VERSIONED_PLACES.map((place) => place.file))];
        for (const file of files) {
            fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
            fs.copyFileSync(path.join(REPO_ROOT, file), path.join(copy, file));
        }
        setVersion(copy, "9.8.7");
        assert.deepStrictEqual(writtenVersions(copy).filter(({ version }) => version !== "9.8.7"), []);
        // package-lock.json also lists dependencies, which may be at any version.
        const stale = files.filter((file) => file !== "package-lock.json" && fs.readFileSync(path.join(copy, file), "utf8").includes(packageVersion()));
        assert.deepStrictEqual(stale, [], "a place that names the version is missing from release/version.ts");
        assert.throws(() => setVersion(copy, "v1"), /v1 is not a version: give one as x\.y\.z/);
    });
});
