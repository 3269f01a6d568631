import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pythonReleaseTools } from "../../release/python-sdist";
import { REPO_ROOT } from "../repo-root";
import { startServerProcess, type LocalServer } from "./local-server";

// The rehearsal's Python package index: pypiserver (tools/python-release/ensure.sh), serving a new folder. A project
// that names pulumi-timbal gets it from here; every other package (pulumi, grpcio) is redirected to the machine's
// index, pypiserver's fallback.

export interface PythonIndex extends LocalServer {
    /** What a project needs to install from it: its address, and nothing else. */
    env: Record<string, string>;
    /** `twine upload <files>`, as a maintainer uploads. */
    upload(files: string[]): void;
}

export async function startPythonIndex(): Promise<PythonIndex> {
    const packages = fs.mkdtempSync(path.join(os.tmpdir(), "timbal-pypiserver-"));
    const bin = pythonReleaseTools(REPO_ROOT);
    const fallback = process.env.PIP_INDEX_URL ?? "https://pypi.org/simple/";
    // `-a . -P .`: no authentication, for uploads too (twine still sends a user name and a password).
    const server = await startServerProcess(
        "pypiserver",
        (port) => [path.join(bin, "pypi-server"), "run", "--host", "127.0.0.1", "--port", String(port), "-a", ".", "-P", ".", "--fallback-url", fallback, "-v", packages],
        "/simple/",
    );
    return {
        ...server,
        stop: () => server.stop().then(() => fs.rmSync(packages, { recursive: true, force: true })),
        env: { PIP_INDEX_URL: `${server.url}/simple/` },
        upload(files: string[]) {
            execFileSync(path.join(bin, "twine"), ["upload", "--non-interactive", "--disable-progress-bar", "--repository-url", `${server.url}/`, ...files], {
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, TWINE_USERNAME: "rehearsal", TWINE_PASSWORD: "rehearsal" },
            });
        },
    };
}
