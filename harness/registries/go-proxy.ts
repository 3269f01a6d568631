import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../repo-root";
import { serveFiles, type LocalServer } from "./local-server";

// The rehearsal's Go module proxy: a proxy is only files (<module>/@v/list, .info, .mod, .zip), made by Go's own
// module tooling (tools/go-module-proxy) and served over HTTP. A project's GOPROXY lists it first, then the machine's
// proxy for every other module (this one answers 404 for them, and go tries the next).

export interface GoProxy extends LocalServer {
    /** What a project needs to fetch from it: the proxies, and no checksum database for our module, which none knows. */
    env: Record<string, string>;
    /** Adds `version` (v<x.y.z>) of the module in `dir`, as a tag makes it fetchable. */
    add(dir: string, version: string): void;
}

/** The module's path, as go.mod names it. */
const MODULE = "github.com/timbal-ai/pulumi-timbal/sdk/go";

/**
 * Forgets the module's versions that Go's module cache holds: at the start, those of an earlier run, which go would
 * take instead of fetching this run's; at the end, this run's, which are not the released module (the checksum
 * database would refuse them once it is). Only the rehearsal fetches the module by its path (other suites `replace`
 * it). The cache is read-only: its files are made writable first.
 */
function forgetCachedVersions(): void {
    const cache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
    for (const dir of [path.join(cache, path.dirname(MODULE)), path.join(cache, "cache", "download", path.dirname(MODULE))]) {
        if (!fs.existsSync(dir)) continue;
        execFileSync("chmod", ["-R", "u+w", dir]);
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export async function startGoProxy(): Promise<GoProxy> {
    forgetCachedVersions();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-goproxy-"));
    const server = await serveFiles((pathname) => path.join(root, path.normalize(pathname)));
    const machineProxy = execFileSync("go", ["env", "GOPROXY"], { encoding: "utf8" }).trim();
    return {
        ...server,
        stop: () => server.stop().then(() => {
            forgetCachedVersions();
            fs.rmSync(root, { recursive: true, force: true });
        }),
        env: { GOPROXY: `${server.url},${machineProxy}`, GONOSUMDB: MODULE },
        add(dir: string, version: string) {
            execFileSync("go", ["run", ".", "-dir", dir, "-version", version, "-out", root], {
                cwd: path.join(REPO_ROOT, "tools", "go-module-proxy"),
                stdio: ["ignore", "pipe", "pipe"],
            });
        },
    };
}
