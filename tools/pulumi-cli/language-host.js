#!/usr/bin/env node
// A Node.js language host for the Pulumi CLI, used only where the upstream `pulumi-language-nodejs` cannot be had:
// its Go module (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is refused by the Go module
// proxy these machines reach. It speaks the engine's LanguageRuntime gRPC protocol and launches the program with the
// program's own @pulumi/pulumi (`cmd/run`), passing the same flags and environment the upstream host passes. The
// engine, state, diffs, secrets and the dynamic provider host are all the real ones. It also runs policy packs
// (RunPlugin), with the pack's own @pulumi/pulumi/cmd/run-policy-pack, as the upstream host does.
//
// Usage (by the engine): pulumi-language-nodejs [flags] <engine-address>
"use strict";

const { spawn } = require("child_process");
const grpc = require("@grpc/grpc-js");
const languageGrpc = require("@pulumi/pulumi/proto/language_grpc_pb");
const language = require("@pulumi/pulumi/proto/language_pb");
const pluginProto = require("@pulumi/pulumi/proto/plugin_pb");
const { version: sdkVersion } = require("@pulumi/pulumi/package.json");

// What @pulumi/pulumi's cmd/run exits with after it has already shown the user an actionable message.
const EXIT_AFTER_USER_MESSAGE = 32;

const engineAddress = process.argv.slice(2).filter((arg) => !arg.startsWith("-")).pop() ?? "";

function programArguments(req, runPath, programDir, entryPoint) {
    const args = [runPath];
    const add = (flag, value) => {
        if (value !== undefined && value !== "") args.push(`--${flag}`, String(value));
    };
    add("monitor", req.getMonitorAddress());
    add("engine", engineAddress);
    add("organization", req.getOrganization());
    add("project", req.getProject());
    add("stack", req.getStack());
    add("pwd", programDir);
    add("root-directory", req.getInfo()?.getRootDirectory());
    if (req.getDryrun()) args.push("--dry-run");
    add("parallel", req.getParallel());
    args.push(entryPoint, ...req.getArgsList());
    return args;
}

function programEnvironment(req, options) {
    const config = Object.fromEntries(req.getConfigMap().toArray());
    const env = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    };
    // As upstream: TypeScript is on unless the project turns it off.
    env.PULUMI_NODEJS_TYPESCRIPT = options.typescript === false ? "false" : "true";
    if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    return env;
}

function run(call, callback) {
    const req = call.request;
    const info = req.getInfo();
    const programDir = info?.getProgramDirectory() || req.getPwd();
    const entryPoint = info?.getEntryPoint() || req.getProgram() || ".";
    const options = info?.getOptions()?.toJavaScript() ?? {};
    const response = new language.RunResponse();

    let runPath;
    try {
        runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
    } catch {
        response.setError(`It looks like the Pulumi SDK has not been installed. Have you run npm install in ${programDir}?`);
        return callback(null, response);
    }
    const nodeArgs = typeof options.nodeargs === "string" ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
    const child = spawn(process.execPath, [...nodeArgs, ...programArguments(req, runPath, programDir, entryPoint)], {
        cwd: programDir,
        env: programEnvironment(req, options),
        stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("error", (err) => {
        response.setError(`Problem executing program (could not run language executor): ${err.message}`);
        callback(null, response);
    });
    child.once("exit", (code, signal) => {
        if (code === EXIT_AFTER_USER_MESSAGE) response.setBail(true);
        else if (code !== 0) response.setError(`Program exited with non-zero exit code: ${code ?? signal}`);
        callback(null, response);
    });
}

/** Runs a policy pack (an analyzer plugin) with the pack's own @pulumi/pulumi, streaming its output back. */
function runPlugin(call) {
    const req = call.request;
    const send = (set) => call.write(set(new language.RunPluginResponse()));
    const dir = req.getInfo()?.getProgramDirectory() || req.getPwd();
    if (req.getKind() !== "analyzer") {
        send((r) => r.setStderr(Buffer.from(`this language host runs only policy packs, not ${req.getKind()} plugins\n`)));
        send((r) => r.setExitcode(1));
        return call.end();
    }
    let runPath;
    try {
        runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
    } catch {
        send((r) => r.setStderr(Buffer.from(`@pulumi/pulumi is not installed for the policy pack in ${dir}\n`)));
        send((r) => r.setExitcode(1));
        return call.end();
    }
    const env = { ...process.env };
    for (const entry of req.getEnvList()) {
        const at = entry.indexOf("=");
        if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
    }
    const child = spawn(process.execPath, [runPath, ...req.getArgsList(), "."], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => send((r) => r.setStdout(chunk)));
    child.stderr.on("data", (chunk) => send((r) => r.setStderr(chunk)));
    child.once("exit", (code) => {
        send((r) => r.setExitcode(code ?? 1));
        call.end();
    });
}

const service = {
    getRequiredPlugins: (_call, callback) => callback(null, new language.GetRequiredPluginsResponse()),
    getRequiredPackages: (_call, callback) => callback(null, new language.GetRequiredPackagesResponse()),
    getPluginInfo: (_call, callback) => callback(null, new pluginProto.PluginInfo().setVersion(sdkVersion)),
    run,
    runPlugin,
    installDependencies: (call) => call.end(),
    runtimeOptionsPrompts: (_call, callback) => callback(null, new language.RuntimeOptionsResponse()),
    getProgramDependencies: (_call, callback) => callback(null, new language.GetProgramDependenciesResponse()),
    about: (_call, callback) =>
        callback(null, new language.AboutResponse().setExecutable(process.execPath).setVersion(process.version)),
};

const server = new grpc.Server();
server.addService(languageGrpc.LanguageRuntimeService, service);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
        console.error(`language host: cannot listen: ${err.message}`);
        process.exit(1);
    }
    // The engine reads the port from the first line of stdout.
    process.stdout.write(`${port}\n`);
});

// A killed CLI does not reach this process (plugins have process groups of their own): end with the engine, once its
// address refuses connections (it listens there before it starts any plugin).
function probeEngine() {
    const at = engineAddress.lastIndexOf(":");
    if (at < 0) return;
    const socket = require("net").connect({ host: engineAddress.slice(0, at), port: Number(engineAddress.slice(at + 1)) });
    socket.setTimeout(1000, () => socket.destroy());
    socket.once("connect", () => socket.destroy());
    socket.once("error", (err) => err.code === "ECONNREFUSED" && process.exit(0));
}
probeEngine();
setInterval(probeEngine, 2000).unref();
