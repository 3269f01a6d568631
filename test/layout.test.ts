import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../harness/pulumi-cli";

// The shared harness is imported one way only: test/ and scripts/ use harness/, harness/ uses neither, and test/ and
// scripts/ never import each other.

function importsOf(folder: string): { file: string; from: string }[] {
    const dir = path.join(REPO_ROOT, folder);
    return fs
        .readdirSync(dir)
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) => {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            return [...text.matchAll(/(?:from|require\()\s*"(\.[^"]+)"/g)].map((m) => ({ file: `${folder}/${file}`, from: m[1] }));
        });
}

describe("the harness is imported one way only", function () {
    const forbidden: Array<[string, RegExp]> = [
        ["harness", /^\.\.\/(test|scripts)\//],
        ["test", /^\.\.\/scripts\//],
        ["scripts", /^\.\.\/test\//],
    ];
    for (const [folder, pattern] of forbidden) {
        it(`${folder}/ imports nothing from ${pattern.source.replace(/[\\^()]/g, "").replace("..", "")}`, function () {
            const imports = importsOf(folder);
            assert.ok(imports.length > 0, `no relative imports found in ${folder}/`);
            assert.deepStrictEqual(imports.filter((i) => pattern.test(i.from)), []);
        });
    }
});
