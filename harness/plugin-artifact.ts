import * as path from "path";
import { buildPlugin, type PluginRelease } from "../release/build";
import { hostPlatform, PLATFORMS, platformName, tarballName, type Platform } from "../release/platforms";
import { releaseDirs, releaseVersion } from "../release/release";
import { REPO_ROOT } from "./repo-root";

// The self-contained `timbal` plugin as the release builds it (release/: one executable per platform, a Node.js single
// executable application carrying the bundled plugin, in the tarball Pulumi's plugin installer reads), where the
// suites find it: build/plugin/. A user installs it with Pulumi's own commands and needs neither npm nor Node.js.

export const ARTIFACT_DIR = releaseDirs(REPO_ROOT).plugin;

export const packageVersion = () => releaseVersion(REPO_ROOT);

/** The tarball's file name (this machine's platform by default), as Pulumi's plugin installer looks for it. */
export function artifactName(version = packageVersion(), platform: Platform = hostPlatform()): string {
    return tarballName(version, platform);
}

export function artifactPath(platform: Platform = hostPlatform()): string {
    return path.join(ARTIFACT_DIR, artifactName(packageVersion(), platform));
}

/** Builds the tarballs of `platforms` (every one by default) and their SHA256SUMS into build/plugin/. */
export function buildPluginArtifacts(platforms: ReadonlyArray<Platform> = PLATFORMS): Promise<PluginRelease> {
    return buildPlugin(REPO_ROOT, ARTIFACT_DIR, packageVersion(), platforms);
}

/** The tarballs of `platforms` (every one by default), by `<os>-<arch>`, where the release builds them. */
export function builtArtifacts(platforms: ReadonlyArray<Platform> = PLATFORMS): Map<string, string> {
    return new Map(platforms.map((platform) => [platformName(platform), artifactPath(platform)]));
}
