import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packNpmPackage } from "../release/npm-tarballs";
import { REPO_ROOT } from "./repo-root";

// npm as a user runs it: this repository's packages packed (`npm pack`, once per folder and process), and installed
// from their tarballs into a project's own package.json and node_modules, next to the @pulumi/pulumi this run uses.

export const POLICY_ROOT = path.join(REPO_ROOT, "policy");

export function npm(args: string[], cwd: string): string {
    return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Tarballs packed in this test process, by the folder packed: a folder is packed once (its build does not change). */
const packed = new Map<string, string>();

/** `npm pack` of `dir` into `destination` (a copy of this process's earlier pack of `dir`); returns the tarball's path. */
export function pack(dir: string, destination: string): string {
    let tarball = packed.get(dir);
    if (!tarball) {
        tarball = packNpmPackage(dir, fs.mkdtempSync(path.join(os.tmpdir(), "timbal-pack-")));
        packed.set(dir, tarball);
    }
    const copy = path.join(destination, path.basename(tarball));
    fs.mkdirSync(destination, { recursive: true });
    fs.copyFileSync(tarball, copy);
    return copy;
}

/** The version of the @pulumi/pulumi this checkout runs (the lockfile's, or the one CI installed over it). */
export function sdkVersion(): string {
    return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")).version;
}

/** Where the packages named `name` are installed in `project` (one path per copy). */
export function installedCopies(project: string, name: string): string[] {
    const out = npm(["ls", name, "--all", "--parseable"], project);
    return [...new Set(out.split("\n").filter((line) => line.endsWith(path.join("node_modules", name))))];
}

/**
 * A user's package.json in `dir` (made if missing) depending on `tarballs` (package name → tarball) and this run's
 * @pulumi/pulumi, with the TypeScript tools a TypeScript program runs on when `typescript`, npm-installed.
 */
export function installPackages(dir: string, name: string, tarballs: Record<string, string>, options: { typescript: boolean }): void {
    fs.mkdirSync(dir, { recursive: true });
    const dependencies: Record<string, string> = { "@pulumi/pulumi": sdkVersion() };
    for (const [pkg, tarball] of Object.entries(tarballs)) dependencies[pkg] = `file:${tarball}`;
    const manifest: Record<string, unknown> = { name, private: true, dependencies };
    if (options.typescript) {
        const repoPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        manifest.devDependencies = {
            typescript: repoPackage.devDependencies.typescript,
            "ts-node": repoPackage.devDependencies["ts-node"],
            "@types/node": repoPackage.devDependencies["@types/node"],
        };
    }
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest));
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
}
