import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import type { AddressInfo } from "net";

// The registries of the release rehearsal are real servers (Verdaccio, pypiserver) or static files served over HTTP
// (the Go module proxy, the release page), each started here on 127.0.0.1 on a free port and stopped with the suite.

export interface LocalServer {
    url: string;
    /** The server's output so far (a process's stdout and stderr; a file server's request paths, one per line). */
    log(): string;
    stop(): Promise<void>;
}

/** A port no one listens on now: the system's choice for a listener that is then closed. */
async function unusedPort(): Promise<number> {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    return port;
}

/** Whether `url` answers (any status) within a second. */
function answers(url: string): Promise<boolean> {
    return new Promise((resolve) => {
        const request = http.get(url, { timeout: 1000 }, (response) => {
            response.resume();
            resolve(true);
        });
        request.once("error", () => resolve(false));
        request.once("timeout", () => request.destroy());
    });
}

/**
 * Runs the server `argv(port)` starts until `<url>/<readyPath>` answers, on a port found free. Another process can
 * take the port between the probe and the server's listen: the server then exits, and a new port is tried (3 times).
 */
export async function startServerProcess(name: string, argv: (port: number) => [string, ...string[]], readyPath = "/", env: NodeJS.ProcessEnv = process.env): Promise<LocalServer> {
    const failures: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
        const port = await unusedPort();
        const [command, ...args] = argv(port);
        const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        RUNNING.add(child);
        let output = "";
        child.stdout!.on("data", (chunk) => (output += chunk));
        child.stderr!.on("data", (chunk) => (output += chunk));
        const url = `http://127.0.0.1:${port}`;
        if (await readyOrExited(child, `${url}${readyPath}`, 60_000)) {
            return { url, log: () => output, stop: () => stopProcess(child) };
        }
        await stopProcess(child);
        failures.push(`port ${port}:\n${output}`);
    }
    throw new Error(`${name} did not start:\n${failures.join("\n")}`);
}

/** Polls `url` until it answers (true) or the process exits or `withinMs` pass (false). */
async function readyOrExited(child: ChildProcess, url: string, withinMs: number): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
        if (await answers(url)) return true;
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
}

/** Every server process started, stopped when this process exits if a suite did not stop it. */
const RUNNING = new Set<ChildProcess>();
process.once("exit", () => RUNNING.forEach((child) => child.kill("SIGKILL")));

/** SIGTERM, then SIGKILL if the process has not ended within 5 s. */
function stopProcess(child: ChildProcess): Promise<void> {
    RUNNING.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
        const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => {
            clearTimeout(kill);
            resolve();
        });
        child.kill("SIGTERM");
    });
}

/**
 * Serves the files `fileAt(path)` names (undefined: 404) over HTTP, with their length (Pulumi's plugin download needs
 * `content-length`); its log is the paths asked for.
 */
export async function serveFiles(fileAt: (pathname: string) => string | undefined): Promise<LocalServer> {
    const asked: string[] = [];
    const server = http.createServer((request, response) => {
        const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
        asked.push(pathname);
        const file = fileAt(pathname);
        if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
            response.writeHead(404).end();
            return;
        }
        response.writeHead(200, { "content-length": fs.statSync(file).size });
        fs.createReadStream(file).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        log: () => asked.join("\n"),
        stop: () => new Promise((resolve) => server.close(() => resolve())),
    };
}
