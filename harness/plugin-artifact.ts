import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./repo-root";

// The self-contained `timbal` plugin: one executable, `pulumi-resource-timbal`, a Node.js single executable
// application (https://nodejs.org/api/single-executable-applications.html) that carries Node itself and the plugin
// bundled into one script with every dependency (esbuild), in the tarball Pulumi's plugin installer reads
// (`pulumi-resource-timbal-v<version>-<os>-<arch>.tar.gz`, the executable at its root). A user installs it with
// Pulumi's own commands and needs neither npm nor Node.js.

export const ARTIFACT_DIR = path.join(REPO_ROOT, "build", "plugin");

const PULUMI_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

export function packageVersion(): string {
    return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version;
}

/** The tarball's file name, as `pulumi plugin install` and automatic acquisition look for it. */
export function artifactName(version = packageVersion()): string {
    return `pulumi-resource-timbal-v${version}-${process.platform}-${PULUMI_ARCH[process.arch] ?? process.arch}.tar.gz`;
}

export function artifactPath(): string {
    return path.join(ARTIFACT_DIR, artifactName());
}

/** Builds the tarball into build/plugin/ (with the Node.js running this) and returns its path. */
export async function buildPluginArtifact(): Promise<string> {
    const esbuild = await import("esbuild");
    const version = packageVersion();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-plugin-artifact-"));
    try {
        const bundle = path.join(work, "plugin.js");
        const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] }));
        await esbuild.build({
            entryPoints: [path.join(REPO_ROOT, "provider", "plugin", "bin.ts")],
            outfile: bundle,
            bundle: true,
            platform: "node",
            format: "cjs",
            target: `node${process.versions.node.split(".")[0]}`,
            logLevel: "warning",
            plugins: [
                {
                    // Two files read their surroundings at run time; the bundle has them built in instead.
                    name: "built-in-surroundings",
                    setup(build) {
                        build.onLoad({ filter: /provider[\\/]support[\\/]sdk-modules\.ts$/ }, () => ({
                            // The SDK's own gRPC and protobuf, resolved from its folder as sdk-modules.ts does.
                            contents: [
                                `export const grpc = require("@grpc/grpc-js");`,
                                `export const { Struct } = require("google-protobuf/google/protobuf/struct_pb");`,
                                `export const { Empty } = require("google-protobuf/google/protobuf/empty_pb");`,
                                `export const { Any } = require("google-protobuf/google/protobuf/any_pb");`,
                            ].join("\n"),
                            resolveDir: sdkDir,
                            loader: "ts",
                        }));
                        build.onLoad({ filter: /provider[\\/]plugin[\\/]package-version\.ts$/ }, () => ({
                            contents: `export function packageVersion(): string { return ${JSON.stringify(version)}; }`,
                            loader: "ts",
                        }));
                    },
                },
            ],
        });
        const blob = path.join(work, "plugin.blob");
        const seaConfig = path.join(work, "sea-config.json");
        fs.writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
        execFileSync(process.execPath, ["--experimental-sea-config", seaConfig], { stdio: ["ignore", "pipe", "pipe"] });

        const stage = path.join(work, "stage");
        const executable = path.join(stage, "pulumi-resource-timbal");
        fs.mkdirSync(stage);
        fs.copyFileSync(process.execPath, executable);
        fs.chmodSync(executable, 0o755);
        execFileSync(process.execPath, [
            require.resolve("postject/dist/cli.js", { paths: [REPO_ROOT] }),
            executable, "NODE_SEA_BLOB", blob,
            "--sentinel-fuse", "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2",
        ], { stdio: ["ignore", "ignore", "pipe"] }); // its warnings about the ELF's note sections are harmless

        // Written beside, then renamed: a reader never sees half a tarball.
        fs.mkdirSync(ARTIFACT_DIR, { recursive: true });
        const tarball = artifactPath();
        execFileSync("tar", ["-czf", `${tarball}.partial`, "-C", stage, "pulumi-resource-timbal"]);
        fs.renameSync(`${tarball}.partial`, tarball);
        return tarball;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}
