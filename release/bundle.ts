import * as fs from "fs";
import * as path from "path";
import type { Plugin } from "esbuild";
import { NODE_VERSION } from "./platforms";

// The plugin as one script: provider/plugin/bin.ts and every module it needs (the SDK's included), bundled by esbuild
// for the release's Node.js. Two modules read their surroundings at run time (the SDK's folder, package.json); the
// bundle has what they read built in instead. Each substitution names its file by its exact path and must take
// effect exactly once: a file that moved or was renamed fails the build here, not the executable at its start.

export interface Substitution {
    /** The module replaced, from the repository's root. */
    file: string;
    /** What the bundle has in its place. */
    contents: string;
    /** Where the replacement's own imports resolve from. */
    resolveDir?: string;
}

/** The substitutions of a release at `version`, with the SDK in `sdkDir`. */
export function substitutions(version: string, sdkDir: string): Substitution[] {
    return [
        {
            // The SDK's own gRPC and protobuf, resolved from its folder as sdk-modules.ts does at run time.
            file: "provider/support/sdk-modules.ts",
            contents: [
                `export const grpc = require("@grpc/grpc-js");`,
                `export const { Struct } = require("google-protobuf/google/protobuf/struct_pb");`,
                `export const { Empty } = require("google-protobuf/google/protobuf/empty_pb");`,
                `export const { Any } = require("google-protobuf/google/protobuf/any_pb");`,
            ].join("\n"),
            resolveDir: sdkDir,
        },
        {
            file: "provider/plugin/package-version.ts",
            contents: `export function packageVersion(): string { return ${JSON.stringify(version)}; }`,
        },
    ];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Bundles `entry` into `outfile` with `replaced`; fails unless each substitution took effect exactly once. */
export async function bundlePlugin(root: string, entry: string, outfile: string, replaced: Substitution[]): Promise<void> {
    const esbuild = await import("esbuild");
    const uses = new Map<string, number>(replaced.map((substitution) => [substitution.file, 0]));
    for (const substitution of replaced) {
        if (!fs.existsSync(path.join(root, substitution.file))) throw new Error(`the bundle substitutes ${substitution.file}, which does not exist: release/bundle.ts names it`);
    }
    const substitute: Plugin = {
        name: "substitutions",
        setup(build) {
            for (const substitution of replaced) {
                const filter = new RegExp(`^${escapeRegExp(path.join(root, substitution.file))}$`);
                build.onLoad({ filter }, () => {
                    uses.set(substitution.file, uses.get(substitution.file)! + 1);
                    return { contents: substitution.contents, resolveDir: substitution.resolveDir, loader: "ts" };
                });
            }
        },
    };
    await esbuild.build({
        entryPoints: [path.join(root, entry)],
        outfile,
        bundle: true,
        platform: "node",
        format: "cjs",
        target: `node${NODE_VERSION.split(".")[0]}`,
        logLevel: "warning",
        plugins: [substitute],
    });
    const missed = [...uses].filter(([, count]) => count !== 1);
    if (missed.length > 0) {
        throw new Error(`bundle substitutions that did not take effect exactly once: ${missed.map(([file, count]) => `${file} (${count} times)`).join(", ")}: is the file still imported by ${entry}?`);
    }
}
