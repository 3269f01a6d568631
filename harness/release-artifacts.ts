import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPOSITORY } from "../provider/plugin/release";
import { packNpmPackages } from "../release/npm-tarballs";
import { buildSdist, sdistName } from "../release/python-sdist";
import { buildWheel, wheelName } from "../release/python-wheel";
import { releaseDirs } from "../release/release";
import { hostPlatform, PLATFORMS, platformName, type Platform } from "../release/platforms";
import { SDK_DIRS } from "./generated-sdks";
import { serveFiles } from "./registries/local-server";
import { ARTIFACT_DIR, artifactPath, buildPluginArtifacts, builtArtifacts, packageVersion } from "./plugin-artifact";
import { REPO_ROOT } from "./repo-root";

// What a release publishes for users of Pulumi's own commands (npm run release builds them into build/ with release/,
// and npm test runs it first): the plugin's tarballs, and the Python SDK's wheel. A suite run on its own uses them as
// built when they are newer than their sources, and builds them otherwise. A local server stands in for the release page.

export const WHEEL_DIR = releaseDirs(REPO_ROOT).python;

/** The newest modification time of the files under `dirs`. */
function newestSource(dirs: string[]): number {
    let newest = 0;
    const walk = (at: string) => {
        for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
            const file = path.join(at, entry.name);
            if (entry.isDirectory()) walk(file);
            else newest = Math.max(newest, fs.statSync(file).mtimeMs);
        }
    };
    for (const dir of dirs) walk(dir);
    return Math.max(newest, fs.statSync(path.join(REPO_ROOT, "package.json")).mtimeMs);
}

/** Whether every one of `files` exists and is newer than everything under `sources` (walked once). */
function allFresh(files: string[], sources: string[]): boolean {
    const newest = newestSource(sources);
    return files.every((file) => fs.existsSync(file) && fs.statSync(file).mtimeMs >= newest);
}

/** The @pulumi/pulumi installed here, which the plugin's bundle carries (each CI corner installs its own). */
const installedSdk = () => JSON.parse(fs.readFileSync(require.resolve("@pulumi/pulumi/package.json", { paths: [REPO_ROOT] }), "utf8")).version as string;
/** What the tarballs in build/plugin/ were built with: the @pulumi/pulumi they carry, and which platforms. */
const BUILT_STAMP = path.join(ARTIFACT_DIR, ".built-with");

/** Records what build/plugin/ now holds: the tarballs of `platforms`, carrying the @pulumi/pulumi installed here. */
export function recordBuiltWith(platforms: ReadonlyArray<Platform>): void {
    fs.writeFileSync(BUILT_STAMP, JSON.stringify({ sdk: installedSdk(), platforms: platforms.map(platformName) }));
}

/**
 * The tarballs of `platforms` (by `<os>-<arch>`), built anew (those platforms only, with their SHA256SUMS) if one is
 * missing or older than provider/ or release/, or carries another @pulumi/pulumi than the one installed.
 */
async function tarballsOf(platforms: ReadonlyArray<Platform>): Promise<Map<string, string>> {
    const sources = [path.join(REPO_ROOT, "provider"), path.join(REPO_ROOT, "release")];
    const fresh = allFresh([...builtArtifacts(platforms).values(), path.join(ARTIFACT_DIR, "SHA256SUMS")], sources);
    const stamp = fs.existsSync(BUILT_STAMP) ? JSON.parse(fs.readFileSync(BUILT_STAMP, "utf8")) : {};
    const built = stamp.sdk === installedSdk() && platforms.every((platform) => stamp.platforms?.includes(platformName(platform)));
    if (!fresh || !built) {
        await buildPluginArtifacts(platforms);
        recordBuiltWith(platforms);
    }
    return builtArtifacts(platforms);
}

/** Every platform's tarball, built as needed (tarballsOf). */
export const pluginTarballs = () => tarballsOf(PLATFORMS);

/** What a release of this checkout publishes (release/release.ts), by where it goes. */
export interface ReleaseFiles {
    /** Every platform's tarball and SHA256SUMS: the release page. */
    page: string[];
    /** The wheel and the sdist: PyPI. */
    python: string[];
    /** The provider's npm tarball, then the policy pack's: npm. */
    npm: string[];
}

/**
 * This checkout's release, as `npm run release` left it in build/ where it is newer than its sources (the release
 * workflow rehearses the very files it publishes), else built: the tarballs and the wheel (above), the sdist; the npm
 * tarballs are packed anew from the build (npm packs the same bytes from the same files).
 */
export async function releaseFiles(): Promise<ReleaseFiles> {
    const tarballs = await pluginTarballs();
    const dirs = releaseDirs(REPO_ROOT);
    const sdist = path.join(dirs.python, sdistName(packageVersion()));
    return {
        page: [...tarballs.values(), path.join(ARTIFACT_DIR, "SHA256SUMS")],
        python: [pythonWheel(), allFresh([sdist], [SDK_DIRS.python]) ? sdist : buildSdist(SDK_DIRS.python, dirs.python, packageVersion(), REPO_ROOT)],
        npm: packNpmPackages(REPO_ROOT, dirs.npm),
    };
}

/** This machine's platform's tarball, built as needed (tarballsOf): all the suites that run it need. */
export async function pluginTarball(): Promise<string> {
    await tarballsOf([hostPlatform()]);
    return artifactPath();
}

/**
 * The released plugin's executable, extracted from its tarball into a folder of its own: a folder a Pulumi.yaml's
 * `plugins: providers:` can name (the CLI runs its `pulumi-resource-timbal`), with no plugin cache involved.
 */
export async function extractedPlugin(): Promise<string> {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-released-plugin-"));
    execFileSync("tar", ["-xzf", await pluginTarball(), "-C", folder]);
    return folder;
}

export function wheelPath(): string {
    return path.join(WHEEL_DIR, wheelName(packageVersion()));
}

/** The `pulumi_timbal` wheel, built from sdk/python with pip if it is missing or older. */
export function pythonWheel(): string {
    return allFresh([wheelPath()], [SDK_DIRS.python]) ? wheelPath() : buildWheel(SDK_DIRS.python, WHEEL_DIR, packageVersion());
}

export interface ReleasePage {
    url: string;
    /** The environment that sends Pulumi's downloads of the release page's files here. */
    env: Record<string, string>;
    /** The paths of the files downloaded, in order. */
    downloads: string[];
    /** Publishes more files on the page (a later release's). */
    add(files: string[]): void;
    stop(): Promise<void>;
}

/**
 * A local server standing in for the release page: it serves `files` (a plugin tarball; or a release's tarballs and
 * SHA256SUMS) at `<url>/<file name>`, and `env` points Pulumi's downloads from the schema's pluginDownloadURL at it
 * (PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES): every version's, as their files' names differ.
 */
export async function releasePage(files: string[]): Promise<ReleasePage> {
    const byName = new Map(files.map((file) => [path.basename(file), file]));
    const downloads: string[] = [];
    const server = await serveFiles((pathname) => {
        const file = byName.get(path.basename(pathname));
        if (file) downloads.push(pathname);
        return file;
    });
    return {
        url: server.url,
        env: { PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${REPOSITORY}/.*$=${server.url}` },
        downloads,
        add: (more) => more.forEach((file) => byName.set(path.basename(file), file)),
        stop: server.stop,
    };
}
