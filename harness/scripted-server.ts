import * as http from "http";
import type { AddressInfo } from "net";

// A tiny HTTP server that answers as a test scripts it: for responses the emulator never gives (off-spec bodies,
// silence, errors after a dispatch).

export interface ScriptedServer {
    url: string;
    requests: { method: string; url: string; authorization?: string }[];
    stop(): Promise<void>;
}

export async function scriptedServer(
    answer: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<ScriptedServer> {
    const requests: ScriptedServer["requests"] = [];
    const server = http.createServer((req, res) => {
        requests.push({ method: req.method ?? "?", url: req.url ?? "", authorization: req.headers.authorization });
        req.resume();
        req.on("end", () => answer(req, res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        stop: () =>
            new Promise((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
}
