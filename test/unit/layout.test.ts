import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../harness/repo-root";

// The code is layered, and imports go one way only.
//
// provider/ is two sibling shells over one lifecycle, and a leaf of review rules beside them:
//
//   the dynamic shell (TypeScript programs)            the plugin shell (YAML, Python and Go programs)
//   resource/ (the classes a program uses)             plugin/ (the provider plugin: its gRPC server, schema, release)
//     → host/ (the provider host's entry points)
//                          ↘                           ↙
//   lifecycle/ (what the engine calls) → jobs/ (the jobs service) → fields/ (the field declarations)
//     → api/ (the Timbal API) → support/ (time, log lines, the key masked)
//
//   review/ (the policy pack's rules, which timbal-plan runs too) → fields/
//
// Neither shell imports the other, and nothing below the shells imports one: each lifecycle folder imports only the
// folders after it. review/ is a leaf: no folder of provider/ imports it (the policy pack reaches it through the
// package's entry, provider/index.ts, which re-exports it; plan/ imports it), and it imports only fields/.
// Around provider/: test/ and scripts/ use harness/, which uses neither and holds helpers only, no tests; test/ and
// scripts/ never import each other; provider/ imports none of them, nor plan/, policy/, emulator/ or release/.
// release/ (the release build: the plugin for every platform, the wheel) stands alone: it reads the repository's files
// and imports no other folder.

/** The lifecycle both shells run on, each folder above the next. */
const LIFECYCLE = ["lifecycle", "jobs", "fields", "api", "support"];
/** The shells, each folder above the next (the classes a program uses call the host's entry points). */
const SHELLS = { dynamic: ["resource", "host"], plugin: ["plugin"] };

/** Each folder of provider/ and the folders it may import (its own always). */
const MAY_IMPORT: Record<string, string[]> = {
    ...Object.fromEntries(LIFECYCLE.map((folder, i) => [folder, LIFECYCLE.slice(i + 1)])),
    ...Object.fromEntries(Object.values(SHELLS).flatMap((shell) => shell.map((folder, i) => [folder, [...shell.slice(i + 1), ...LIFECYCLE]]))),
    review: ["fields"],
};

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
/** The folder of provider/ a provider path is in (undefined for provider/index.ts, the package's entry). */
const providerFolder = (p: string) => (p.split(path.sep).length > 2 ? p.split(path.sep)[1] : undefined);

/** The imports of provider/ from a file in one of `folders` to a folder it may not import, as `file → target`. */
function forbiddenImportsFrom(folders: string[]): string[] {
    return importsUnder("provider")
        .filter(({ file, target }) => {
            const [from, to] = [providerFolder(file), providerFolder(target)];
            return from && folders.includes(from) && to && to !== from && !MAY_IMPORT[from].includes(to);
        })
        .map(({ file, target }) => `${file} → ${target}`);
}

describe("layout: imports go one way only", function () {
    const forbidden: Array<[string, string[]]> = [
        ["harness", ["test", "scripts"]],
        ["test", ["scripts"]],
        ["scripts", ["test"]],
        ["provider", ["test", "scripts", "harness", "plan", "policy", "emulator", "release"]],
        ["release", ["provider", "test", "scripts", "harness", "plan", "policy", "emulator"]],
    ];
    for (const [folder, never] of forbidden) {
        it(`${folder}/ imports nothing from ${never.join(", ")}`, function () {
            const imports = importsUnder(folder);
            assert.ok(imports.length > 0, `no relative imports found in ${folder}/`);
            assert.deepStrictEqual(imports.filter((i) => never.includes(topFolder(i.target))), []);
        });
    }

    it("harness/ holds helpers only: no describe( or it( in it (the tests are test/'s)", function () {
        const dir = path.join(REPO_ROOT, "harness");
        const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));
        const withTests = files.filter((name) => /(^|[^\w.$])(describe|it)(\.only|\.skip)?\(/m.test(fs.readFileSync(path.join(dir, name), "utf8")));
        assert.deepStrictEqual(withTests, []);
    });

    it("every folder of provider/ has its place in the shape", function () {
        const folders = fs.readdirSync(path.join(REPO_ROOT, "provider"), { withFileTypes: true }).filter((entry) => entry.isDirectory());
        assert.deepStrictEqual(folders.map((entry) => entry.name).sort(), Object.keys(MAY_IMPORT).sort());
    });

    it("one lifecycle: lifecycle/ → jobs/ → fields/ → api/ → support/, each importing only the folders after it, never a shell nor review/", function () {
        assert.deepStrictEqual(forbiddenImportsFrom(LIFECYCLE), []);
    });

    it("two sibling shells: the dynamic shell (resource/ → host/) and the plugin shell (plugin/) import nothing of each other, only the lifecycle", function () {
        assert.deepStrictEqual(forbiddenImportsFrom([...SHELLS.dynamic, ...SHELLS.plugin]), []);
    });

    it("review/ a leaf: no folder of provider/ imports it (the package's entry re-exports it), and it imports only fields/", function () {
        assert.deepStrictEqual(forbiddenImportsFrom(["review"]), []);
        const intoReview = importsUnder("provider").filter(({ file, target }) => providerFolder(target) === "review" && providerFolder(file) !== "review");
        assert.deepStrictEqual(intoReview.map(({ file }) => file), [path.join("provider", "index.ts")], "only the package's entry");
    });
});
