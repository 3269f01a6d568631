import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./pulumi-cli";

// A user's project outside this repository: its own package.json and node_modules, the package installed from a
// tarball (`npm pack`), as a new user installs it.

export function npm(args: string[], cwd: string): string {
    return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** `npm pack` of `dir` into `destination`; returns the tarball's path. */
export function pack(dir: string, destination: string): string {
    const name = npm(["pack", "--ignore-scripts", "--pack-destination", destination], dir).trim().split("\n").pop()!;
    return path.join(destination, name);
}

/** A Pulumi project in `dir` running `program`, with the package installed from `tarball` and the repo's SDK pin. */
export function consumerProject(dir: string, name: string, tarball: string, program: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const repoPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({
            name,
            private: true,
            dependencies: {
                "@timbal/pulumi-connector-jobs": `file:${tarball}`,
                "@pulumi/pulumi": repoPackage.dependencies["@pulumi/pulumi"],
            },
            devDependencies: {
                typescript: repoPackage.devDependencies.typescript,
                "ts-node": repoPackage.devDependencies["ts-node"],
                "@types/node": repoPackage.devDependencies["@types/node"],
            },
        }),
    );
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.ts\n`);
    fs.writeFileSync(path.join(dir, "index.ts"), program);
    npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
    return dir;
}
