import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { executableName, platformName, type Platform } from "../release/platforms";

// Running a released plugin built for another platform on this linux-amd64 machine, as the Pulumi CLI runs a plugin:
// linux-arm64 under qemu-user (Debian's qemu-user-static, with the arm64 cross libraries), windows-amd64 under Wine
// (Debian's wine64). Each gets a wrapper named `pulumi-resource-timbal` in a folder of its own, which a Pulumi.yaml's
// `plugins: providers:` names; the CLI runs the wrapper with the engine's address and reads the port from its output.
// tools/debian/ensure.sh installs both runners.

/** The folders this module made (executables of about 100 MB, Wine prefixes of about 700 MB): see removeMadeFolders. */
const made: string[] = [];

function newFolder(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
}

/** Removes every folder this module made (a suite's `after`). */
export function removeMadeFolders(): void {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** What runs executables of `platform` here: undefined when the runner is not installed, with what to install. */
export function runnerMissing(platform: Platform): string | undefined {
    const needs: Record<string, string[]> = { "linux-arm64": ["/usr/bin/qemu-aarch64-static", "/usr/aarch64-linux-gnu/lib/libstdc++.so.6"], "windows-amd64": ["/usr/bin/wine"] };
    const missing = (needs[platformName(platform)] ?? []).filter((file) => !fs.existsSync(file));
    return missing.length ? `${missing.join(" and ")} not installed (run tools/debian/ensure.sh)` : undefined;
}

/** The released tarball's executable, extracted into a new folder. */
export function extractExecutable(tarball: string, platform: Platform): string {
    const dir = newFolder(`timbal-plugin-${platformName(platform)}-`);
    execFileSync("tar", ["-xzf", tarball, "-C", dir]);
    return path.join(dir, executableName(platform));
}

/**
 * A new Wine prefix set to Windows 10 (Node refuses older Windows versions). Wine's first start in a prefix takes
 * a few seconds; every later start in it, under a second.
 */
function newWinePrefix(): string {
    const prefix = newFolder("timbal-wine-");
    const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: "-all" };
    execFileSync("wine", ["wineboot", "--init"], { env, stdio: "ignore", timeout: 180_000 });
    execFileSync("wine", ["winecfg", "/v", "win10"], { env, stdio: "ignore", timeout: 60_000 });
    // The wineserver keeps the registry in memory and writes it when it ends: wait for that, so that a wine started
    // in another environment (Pulumi gives the plugin a TMPDIR of its own, so another wineserver) reads Windows 10.
    execFileSync("wineserver", ["-w"], { env, stdio: "ignore", timeout: 60_000 });
    return prefix;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/** A folder holding `pulumi-resource-timbal`, which runs `executable` (of `platform`) here with its arguments. */
export function pluginWrapper(platform: Platform, executable: string): string {
    const dir = newFolder(`timbal-plugin-wrapper-${platformName(platform)}-`);
    const wrapper = path.join(dir, "pulumi-resource-timbal");
    const name = platformName(platform);
    let script: string;
    if (name === "linux-arm64") {
        script = `exec qemu-aarch64-static -L /usr/aarch64-linux-gnu ${shellQuote(executable)} "$@"\n`;
    } else if (name === "windows-amd64") {
        // Under Wine, Node cannot write to a pipe (its stdout opens as a file only): the plugin writes to files, and
        // the wrapper relays them until the plugin ends.
        const outputs = newFolder("timbal-wine-output-");
        script = [
            `out=$(mktemp -p ${shellQuote(outputs)}) err=$(mktemp -p ${shellQuote(outputs)})`,
            `WINEPREFIX=${shellQuote(newWinePrefix())} WINEDEBUG=-all wine ${shellQuote(executable)} "$@" >"$out" 2>"$err" &`,
            `plugin=$!`,
            `tail -f --pid=$plugin "$err" >&2 &`,
            `tail -f --pid=$plugin "$out"`,
            `wait $plugin`,
            "",
        ].join("\n");
    } else {
        throw new Error(`no runner for ${name} on this machine`);
    }
    fs.writeFileSync(wrapper, `#!/bin/sh\n# The ${name} plugin, run on this machine (harness/foreign-platforms.ts).\n${script}`, { mode: 0o755 });
    return dir;
}
