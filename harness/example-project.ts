import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./repo-root";

// A copy of the example project (Pulumi.yaml, tsconfig.json, examples/) in a temp folder, using this repository's
// node_modules. `pulumi stack init` writes into the stack's config file; a copy keeps the repository clean.

/** A project folder (`dir`, or a new one) that resolves packages (this one included) from this repository's node_modules. */
export function projectUsingRepoModules(dir = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-example-"))): string {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
    // Its own package.json: a copy of this repository's would make Node resolve the package's name inside the copy.
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "timbal-example-copy", private: true }));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

export function copyExampleProject(stackFiles: string[] = []): string {
    const dir = projectUsingRepoModules();
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.mkdirSync(path.join(dir, "examples"));
    for (const file of ["index.ts", ...stackFiles]) {
        fs.copyFileSync(path.join(REPO_ROOT, "examples", file), path.join(dir, "examples", file));
    }
    return dir;
}
