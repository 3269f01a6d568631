import * as fs from "fs";
import * as path from "path";
import type { Emulator } from "../emulator";
import { ORG } from "./fixtures";
import { projectUsingRepoModules, PulumiCli, writeStackConfig, type CliOptions } from "./pulumi-cli";

// The stack set-up the CLI suites share: a project, then a stack of it on an emulator, the key in TIMBAL_API_KEY and
// the org and the emulator's URL in the stack's config.

/** A TypeScript project named `name` whose index.ts is `program`, on this checkout's package (built), not packed. */
export function typescriptProject(name: string, program: string): string {
    const project = projectUsingRepoModules();
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.ts\n`);
    fs.writeFileSync(path.join(project, "index.ts"), program);
    return project;
}

/** The stack config that points the provider at the emulator, in the default org, with `more`. */
export function emulatorStackConfig(emu: Emulator, more: Record<string, string> = {}): Record<string, string> {
    return { "timbal:orgId": ORG, "timbal:baseUrl": emu.url, ...more };
}

/**
 * A CLI on `project` (running commands as `options` say) whose commands carry the emulator's key in TIMBAL_API_KEY
 * (and `env`), after `pulumi stack init <stack>` and with the stack's config file (Pulumi.<stack>.yaml) written by
 * emulatorStackConfig.
 */
export async function emulatorStack(project: string, binDir: string, emu: Emulator, stack = "dev", options: CliOptions = {}, env: NodeJS.ProcessEnv = {}): Promise<PulumiCli> {
    const cli = new PulumiCli(project, binDir, { TIMBAL_API_KEY: emu.apiKey, ...env }, options);
    await cli.ok(["stack", "init", stack]);
    writeStackConfig(path.join(project, `Pulumi.${stack}.yaml`), emulatorStackConfig(emu));
    return cli;
}
