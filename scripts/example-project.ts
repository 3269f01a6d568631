import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// A copy of the example project (Pulumi.yaml, tsconfig.json, examples/) in a temp folder, using this repository's
// node_modules. `pulumi stack init` writes into the stack's config file; a copy keeps the repository clean.

const REPO = path.resolve(__dirname, "..");

export function copyExampleProject(stackFiles: string[] = []): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-example-"));
    for (const file of ["Pulumi.yaml", "tsconfig.json"]) fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
    // Its own package.json: a copy of this repository's would make Node resolve the package's name inside the copy.
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "timbal-example-copy", private: true }));
    fs.mkdirSync(path.join(dir, "examples"));
    for (const file of ["index.ts", ...stackFiles]) {
        fs.copyFileSync(path.join(REPO, "examples", file), path.join(dir, "examples", file));
    }
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}
