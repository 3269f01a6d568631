import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { REPO_ROOT } from "./repo-root";
import { recordArtifact } from "./secret-guard";
import { shiftedClockEnvironment } from "./shifted-clock";
import { dynamicType } from "../provider/fields/type-tokens";
import { markedSecret } from "../provider/support/secret-marker";

// Drives the real Pulumi dynamic-provider host the way the engine does: spawned as
// `node .../cmd/dynamic-provider <engine>` in the program's folder, then called over gRPC.

/* eslint-disable @typescript-eslint/no-require-imports */
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const proto = require("@pulumi/pulumi/proto/provider_pb");
const { EngineService } = require("@pulumi/pulumi/proto/engine_grpc_pb");
const { LogSeverity } = require("@pulumi/pulumi/proto/engine_pb");

export const URN = `urn:pulumi:test::timbal::${dynamicType("connectorJob")}::job`;

/** A line the engine received: on the row of the resource `urn` names (empty: the stack's row). */
export interface EngineLine {
    urn: string;
    message: string;
}

/** A value the engine would send as a secret. */
export function secret(value: unknown): Record<string, unknown> {
    return markedSecret(value);
}

type Props = Record<string, unknown>;

export interface HostCallError extends Error {
    code: number;
    details: string;
}

export class ProviderHost {
    /** Everything the host printed, stdout and stderr, in order. */
    output = "";

    private constructor(
        private readonly child: ChildProcess,
        private readonly client: any,
        private readonly providerText: string,
        private readonly engine: grpc.Server,
        /** Each line the host sent the engine, with the URN of the row it goes on ("" for the stack's). */
        readonly lines: EngineLine[],
    ) {}

    static async start(providerText: string, env: NodeJS.ProcessEnv = {}): Promise<ProviderHost> {
        const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
        let output = "";
        let print = (text: string) => (output += text);
        // The host's argument is the engine's address: the host sends its log lines there (the engine's Log service),
        // and ends itself when nothing listens there any more (engine-watch.ts). This test stands in for the engine
        // with a Log service that prints each line into the host's output, as long as the host lives.
        const lines: EngineLine[] = [];
        const engine = await standInEngine((line) => print(line), lines);
        const child = spawn(process.execPath, [entry, engine.address], {
            cwd: REPO_ROOT,
            // A journal of its own per host (see dispatch-journal.ts), unless the test shares one between hosts.
            // The test's clock, should it be shifted (shifted-clock.ts): the emulator in this process and the host read one.
            env: {
                PATH: process.env.PATH,
                HOME: "/nonexistent-home",
                TIMBAL_DISPATCH_JOURNAL_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "timbal-journal-")),
                ...shiftedClockEnvironment(),
                ...env,
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.stderr!.on("data", (chunk: Buffer) => print(chunk.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            child.stdout!.on("data", (chunk: Buffer) => {
                print(chunk.toString());
                const match = /^(\d+)\s*$/m.exec(output);
                if (match) resolve(Number(match[1]));
            });
            child.once("exit", (code) => reject(new Error(`provider host exited with ${code}: ${output}`)));
        });
        const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const host = new ProviderHost(child, client, providerText, engine.server, lines);
        host.output = output;
        print = (text) => (host.output += text);
        return host;
    }

    /** The host process's peak resident memory (VmHWM), in MiB. */
    peakMemoryMiB(): number {
        const status = fs.readFileSync(`/proc/${this.child.pid}/status`, "utf8");
        return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    }

    /** CPU time the host process has used so far (user + system), in milliseconds. */
    cpuMs(): number {
        const fields = fs.readFileSync(`/proc/${this.child.pid}/stat`, "utf8").split(") ")[1].split(" ");
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks at USER_HZ = 100
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null) {
            const exited = new Promise((resolve) => this.child.once("exit", resolve));
            this.child.kill();
            await exited;
        }
        this.engine.forceShutdown();
        recordArtifact("provider host output", this.output);
    }

    /** Waits (bounded) for the host to print a matching line: its output can arrive after the gRPC reply. */
    async waitForOutput(pattern: RegExp, timeoutMs = 5000): Promise<string> {
        const deadline = Date.now() + timeoutMs;
        while (!pattern.test(this.output)) {
            if (Date.now() > deadline) throw new Error(`the provider host did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return this.output;
    }

    private call<T>(method: string, request: unknown): Promise<T> {
        return new Promise((resolve, reject) => {
            this.client[method](request, (err: HostCallError | null, response: T) => {
                if (err) {
                    recordArtifact(`host ${method} error`, err.details ?? err.message);
                    reject(err);
                } else {
                    resolve(response);
                }
            });
        });
    }

    private withProvider(props: Props): Struct {
        return Struct.fromJavaScript({ ...props, __provider: this.providerText } as any);
    }

    /** Configure, as the engine sends it: the stack's config, namespaced, secrets wrapped. */
    async configure(config: Props): Promise<void> {
        const request = new proto.ConfigureRequest();
        request.setArgs(Struct.fromJavaScript(config as any));
        request.setAcceptsecrets(true);
        await this.call("configure", request);
    }

    async check(news: Props, olds: Props = {}): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
        const request = new proto.CheckRequest();
        request.setUrn(URN);
        request.setOlds(Struct.fromJavaScript(olds as any));
        request.setNews(this.withProvider(news));
        const response: any = await this.call("check", request);
        const result = {
            inputs: response.getInputs().toJavaScript() as Props,
            failures: response.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
        recordArtifact("host check result", result);
        return result;
    }

    async diff(id: string, olds: Props, news: Props): Promise<{ changes: number; replaces: string[] }> {
        const request = new proto.DiffRequest();
        request.setId(id);
        request.setUrn(URN);
        request.setOlds(Struct.fromJavaScript(olds as any));
        request.setNews(this.withProvider(news));
        const response: any = await this.call("diff", request);
        const result = { changes: response.getChanges(), replaces: response.getReplacesList() };
        recordArtifact("host diff result", result);
        return result;
    }

    async create(properties: Props): Promise<{ id: string; properties: Props }> {
        const request = new proto.CreateRequest();
        request.setUrn(URN);
        request.setProperties(this.withProvider(properties));
        const response: any = await this.call("create", request);
        const result = { id: response.getId(), properties: response.getProperties().toJavaScript() as Props };
        recordArtifact("host create result", result);
        return result;
    }

    async read(id: string, properties: Props): Promise<{ id: string; properties: Props }> {
        const request = new proto.ReadRequest();
        request.setId(id);
        request.setUrn(URN);
        request.setProperties(this.withProvider(properties));
        const response: any = await this.call("read", request);
        const result = { id: response.getId(), properties: response.getProperties().toJavaScript() as Props };
        recordArtifact("host read result", result);
        return result;
    }

    async update(id: string, olds: Props, news: Props): Promise<Props> {
        const request = new proto.UpdateRequest();
        request.setId(id);
        request.setUrn(URN);
        request.setOlds(this.withProvider(olds));
        request.setNews(this.withProvider(news));
        const response: any = await this.call("update", request);
        const result = response.getProperties().toJavaScript() as Props;
        recordArtifact("host update result", result);
        return result;
    }

    async delete(id: string, properties: Props): Promise<void> {
        const request = new proto.DeleteRequest();
        request.setId(id);
        request.setUrn(URN);
        request.setProperties(this.withProvider(properties));
        await this.call("delete", request);
    }
}

/** The engine's Log service on a free port of 127.0.0.1: each line printed as the CLI shows it, "<severity>: <message>". */
async function standInEngine(print: (line: string) => void, lines: EngineLine[]): Promise<{ server: grpc.Server; address: string }> {
    const severities: Record<number, string> = { [LogSeverity.DEBUG]: "debug", [LogSeverity.INFO]: "info", [LogSeverity.WARNING]: "warning", [LogSeverity.ERROR]: "error" };
    const server = new grpc.Server();
    server.addService(EngineService, {
        log: (call: any, callback: grpc.sendUnaryData<unknown>) => {
            print(`${severities[call.request.getSeverity()]}: ${call.request.getMessage()}\n`);
            lines.push({ urn: call.request.getUrn(), message: call.request.getMessage() });
            callback(null, new Empty());
        },
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return { server, address: `127.0.0.1:${port}` };
}
