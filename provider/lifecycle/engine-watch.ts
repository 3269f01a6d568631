import * as net from "net";

// Plugins run in process groups of their own, so when the Pulumi CLI is killed (a CI runner's timeout, a second
// Ctrl-C) nothing stops the provider host: a wait would go on until its timeout, and once the CLI's pipes are closed,
// every line written fails (EPIPE), which the host's own error handler reports by writing again, in a loop that burns
// a core. The host must end itself. Two signs that the engine is gone: its output pipe is closed, and the engine's
// address (the host's argument) refuses connections. The engine listens there before it starts any plugin, so a
// refusal, even the first, means it is gone (a CLI killed while its plugins were starting).

const PROBE_EVERY_MS = 2000;
const PROBE_TIMEOUT_MS = 1000;

/** True when something accepts connections at `host:port`; false only when the connection is refused. */
function accepts(address: string): Promise<boolean | undefined> {
    const at = address.lastIndexOf(":");
    const port = Number(address.slice(at + 1));
    if (at < 0 || !Number.isInteger(port)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
        const socket = net.connect({ host: address.slice(0, at), port });
        const done = (answer: boolean | undefined) => {
            socket.destroy();
            resolve(answer);
        };
        socket.setTimeout(PROBE_TIMEOUT_MS, () => done(undefined));
        socket.once("connect", () => done(true));
        socket.once("error", (err: NodeJS.ErrnoException) => done(err.code === "ECONNREFUSED" ? false : undefined));
    });
}

/** Ends this process when the engine that started it is gone. Call once, in the provider host only. */
export function exitWhenEngineGone(engineAddress: string | undefined, exit: () => void = () => process.exit(0)): void {
    for (const stream of [process.stdout, process.stderr]) {
        stream.on("error", (err: NodeJS.ErrnoException) => {
            if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") exit();
        });
    }
    if (!engineAddress) return;
    const probe = () =>
        void accepts(engineAddress).then((answer) => {
            if (answer === false) exit();
        });
    probe();
    setInterval(probe, PROBE_EVERY_MS).unref();
}
