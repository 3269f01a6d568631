import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../harness/repo-root";

// The code is layered, and imports go one way only. Inside provider/, each folder uses only the folders below it:
// resource/ (the classes a program uses) → host/ (the provider host's entry points) → plugin/ (the provider plugin) →
// lifecycle/ (what the engine calls) → jobs/ (the jobs service) → review/ (the policy pack's rules, which timbal-plan
// runs too) → fields/ (the field declarations) → api/ (the Timbal API) → support/ (time, log lines, the key masked). The two shells, host/ (with resource/) and plugin/, import nothing of each other. Around it: test/ and
// scripts/ use harness/; harness/ uses neither; test/ and scripts/ never import each other; provider/ imports none of
// them.

const PROVIDER_LAYERS = ["resource", "host", "plugin", "lifecycle", "jobs", "review", "fields", "api", "support"];

/** Every relative import of the .ts files under `folder`, as the repository path it names. */
function importsUnder(folder: string): { file: string; target: string }[] {
    const dir = path.join(REPO_ROOT, folder);
    return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).flatMap((name) => {
        if (!name.endsWith(".ts")) return [];
        const file = path.join(dir, name);
        const text = fs.readFileSync(file, "utf8");
        return [...text.matchAll(/(?:from|require\(|^import)\s*"(\.[^"]+)"/gm)].map((m) => ({
            file: path.relative(REPO_ROOT, file),
            target: path.relative(REPO_ROOT, path.resolve(path.dirname(file), m[1])),
        }));
    });
}

const topFolder = (target: string) => target.split(path.sep)[0];

describe("layout: imports go one way only", function () {
    const forbidden: Array<[string, string[]]> = [
        ["harness", ["test", "scripts"]],
        ["test", ["scripts"]],
        ["scripts", ["test"]],
        ["provider", ["test", "scripts", "harness", "plan", "policy", "emulator"]],
    ];
    for (const [folder, never] of forbidden) {
        it(`${folder}/ imports nothing from ${never.join(", ")}`, function () {
            const imports = importsUnder(folder);
            assert.ok(imports.length > 0, `no relative imports found in ${folder}/`);
            assert.deepStrictEqual(imports.filter((i) => never.includes(topFolder(i.target))), []);
        });
    }

    it("inside provider/, each folder imports only the folders below it", function () {
        const upward = importsUnder("provider").filter(({ file, target }) => {
            const [from, to] = [file, target].map((p) => PROVIDER_LAYERS.indexOf(p.split(path.sep)[1]));
            return from >= 0 && to >= 0 && to < from;
        });
        assert.deepStrictEqual(upward, []);
        for (const layer of PROVIDER_LAYERS) assert.ok(fs.existsSync(path.join(REPO_ROOT, "provider", layer)), `provider/${layer}/ exists`);
    });

    it("the dynamic shell (resource/, host/) and the plugin shell (plugin/) import nothing of each other", function () {
        const shellOf = (p: string) => ({ resource: "dynamic", host: "dynamic", plugin: "plugin" })[p.split(path.sep)[1]];
        const across = importsUnder("provider").filter(({ file, target }) => shellOf(file) && shellOf(target) && shellOf(file) !== shellOf(target));
        assert.deepStrictEqual(across, []);
    });
});
