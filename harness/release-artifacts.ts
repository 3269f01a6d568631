import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPOSITORY } from "../provider/plugin/release";
import { packNpmPackages } from "../release/npm-tarballs";
import { buildSdist, sdistName } from "../release/python-sdist";
import { buildWheel, wheelName } from "../release/python-wheel";
import { releaseDirs } from "../release/release";
import { hostPlatform, PLATFORMS, platformName, type Platform } from "../release/platforms";
import { SDK_DIRS } from "./generated-sdks";
import { serveFiles } from "./registries/local-server";
import { scratchFolder } from "./scratch-folders";
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
    // Two suites in two lanes may both need a build: one builds, the other waits for it, then finds it fresh.
    await withBuildLock(async () => {
        const fresh = allFresh([...builtArtifacts(platforms).values(), path.join(ARTIFACT_DIR, "SHA256SUMS")], sources);
        const stamp = fs.existsSync(BUILT_STAMP) ? JSON.parse(fs.readFileSync(BUILT_STAMP, "utf8")) : {};
        const built = stamp.sdk === installedSdk() && platforms.every((platform) => stamp.platforms?.includes(platformName(platform)));
        if (!fresh || !built) {
            await buildPluginArtifacts(platforms);
            recordBuiltWith(platforms);
        }
    });
    return builtArtifacts(platforms);
}

/** Runs `work` holding build/plugin.lock, a file naming its holder's pid (taken over when that process is gone). */
async function withBuildLock(work: () => Promise<void>): Promise<void> {
    const lock = `${ARTIFACT_DIR}.lock`;
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    for (;;) {
        try {
            fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
            break;
        } catch (error: any) {
            if (error.code !== "EEXIST") throw error;
            if (!holderAlive(lock)) fs.rmSync(lock, { force: true });
            else await new Promise((resolve) => setTimeout(resolve, 500));
        }
    }
    try {
        await work();
    } finally {
        fs.rmSync(lock, { force: true });
    }
}

/** Whether the lock is held: by a process that still runs, or one writing its pid now (or releasing it now). */
function holderAlive(lock: string): boolean {
    let text: string;
    try {
        text = fs.readFileSync(lock, "utf8");
    } catch (error: any) {
        if (error.code === "ENOENT") return true; // released meanwhile: the next try takes it
        throw error;
    }
    const pid = Number(text);
    if (!pid) return true;
    try {
        process.kill(pid, 0);
        return true;
    } catch (error: any) {
        return error.code === "EPERM";
    }
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
    const folder = scratchFolder("timbal-released-plugin-");
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
    /** Publishes a later release's files on the page, under that release's version. */
    add(files: string[], version: string): void;
    stop(): Promise<void>;
}

/**
 * A local server standing in for the release pages: each release's `files` (a plugin tarball; or a release's tarballs
 * and SHA256SUMS) at `<url>/v<version>/<file name>`, as GitHub serves a release's, and each tarball also at
 * `<url>/<tarball name>`, where `env` sends Pulumi's downloads from the schema's pluginDownloadURL
 * (PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: every version's, as the tarballs' names differ).
 */
export async function releasePage(files: string[], version = packageVersion()): Promise<ReleasePage> {
    const byPath = new Map<string, string>();
    const add = (more: string[], of: string) => {
        for (const file of more) {
            byPath.set(`/v${of}/${path.basename(file)}`, file);
            if (file.endsWith(".tar.gz")) byPath.set(`/${path.basename(file)}`, file);
        }
    };
    add(files, version);
    const downloads: string[] = [];
    const server = await serveFiles((pathname) => {
        const file = byPath.get(pathname);
        if (file) downloads.push(pathname);
        return file;
    });
    return {
        url: server.url,
        env: { PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: `^${REPOSITORY}/.*$=${server.url}` },
        downloads,
        add,
        stop: server.stop,
    };
}
