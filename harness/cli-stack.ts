import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Emulator } from "../emulator";
import { ORG } from "./fixtures";
import { PulumiCli, writeStackConfig, type CliOptions } from "./pulumi-cli";

// The stack set-up the CLI suites share: a CLI on a project, `pulumi stack init`, the stack's config pointing the
// provider at an emulator (the org and the emulator's URL), and the emulator's key in TIMBAL_API_KEY unless a suite
// puts it elsewhere. The projects come from language-projects.ts.

/** The stack config that points the provider at the emulator, in the default org, with `more`. */
export function emulatorStackConfig(emu: Emulator, more: Record<string, string> = {}): Record<string, string> {
    return { "timbal:orgId": ORG, "timbal:baseUrl": emu.url, ...more };
}

export interface EmulatorStackOptions {
    /** The stack's name (default: dev). */
    stack?: string;
    /** Stack config beside the emulator's. */
    config?: Record<string, string>;
    /**
     * The project's own config file for the stack (an example's) is kept, and only the emulator's URL set in it with
     * `pulumi config set`; otherwise the file is written whole (emulatorStackConfig and `config`).
     */
    keepConfigFile?: boolean;
}

/** `pulumi stack init` on `cli`, and the new stack's config pointing at the emulator. */
export async function initEmulatorStack(cli: PulumiCli, emu: Emulator, options: EmulatorStackOptions = {}): Promise<void> {
    const stack = options.stack ?? "dev";
    await cli.ok(["stack", "init", stack]);
    if (options.keepConfigFile) await cli.ok(["config", "set", "timbal:baseUrl", emu.url]);
    else writeStackConfig(stackConfigFile(cli.projectDir, stack), emulatorStackConfig(emu, options.config));
}

/** The stack's config file: Pulumi.<stack>.yaml in the project's folder, or in the folder Pulumi.yaml names. */
function stackConfigFile(project: string, stack: string): string {
    const configDir = /^stackConfigDir:\s*(\S+)/m.exec(fs.readFileSync(path.join(project, "Pulumi.yaml"), "utf8"))?.[1] ?? "";
    return path.join(project, configDir, `Pulumi.${stack}.yaml`);
}

export interface EmulatorCliOptions extends EmulatorStackOptions {
    /**
     * Where the provider finds the emulator's key: TIMBAL_API_KEY in every command's environment (the default), the
     * stack's secret config (`pulumi config set --secret timbal:apiKey`), or nowhere yet (the suite sets a key).
     */
    apiKey?: "environment" | "secret config" | "none";
    /** How the CLI runs commands. */
    cli?: CliOptions;
    /** More environment for every command (a release page's, say). */
    env?: NodeJS.ProcessEnv;
}

/** A CLI on `project` and a new stack of it on the emulator (initEmulatorStack), with the emulator's key where `options` say. */
export async function emulatorStack(project: string, binDir: string, emu: Emulator, options: EmulatorCliOptions = {}): Promise<PulumiCli> {
    const apiKey = options.apiKey ?? "environment";
    const env = { ...(apiKey === "environment" ? { TIMBAL_API_KEY: emu.apiKey } : {}), ...options.env };
    const cli = new PulumiCli(project, binDir, env, options.cli);
    await initEmulatorStack(cli, emu, options);
    if (apiKey === "secret config") await cli.ok(["config", "set", "--secret", "timbal:apiKey", emu.apiKey]);
    return cli;
}

/**
 * `up` of the README's two jobs (stage_orders waits; orders depends on it): one dispatch each, stage_orders first,
 * orders once stage_orders finished. The wait runs in the emulator's time: its clock moves a minute every 200 ms.
 */
export async function upDispatchesAfterTheWait(cli: PulumiCli, emu: Emulator): Promise<void> {
    const jobsBefore = emu.world.jobs.length;
    const fastClock = setInterval(() => emu.world.advance(60_000), 200);
    await cli.ok(["up", "--yes"]).finally(() => clearInterval(fastClock));
    const dispatched = emu.world.jobs.slice(jobsBefore);
    assert.deepStrictEqual(dispatched.map((job) => job.destTable), ["stage_orders", "orders"], "one dispatch per job, stage_orders first");
    const [stage, orders] = dispatched;
    assert.ok(orders.createdAt >= Date.parse(emu.world.view(stage).finished_at!), "orders was dispatched after stage_orders finished");
}
