import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";
import { README } from "./readme-tables";
import { recordArtifact } from "./secret-guard";

// The README's fenced blocks, read by the tests that run what the README tells a user to type or write, word for word.

/** The text of the README's section under `heading` (`## Install`, `### Python`), up to the next heading. */
export function readmeSection(heading: string): string {
    const readme = fs.readFileSync(README, "utf8");
    const start = readme.indexOf(`\n${heading}\n`);
    assert.ok(start >= 0, `README.md has a section "${heading}"`);
    const next = readme.slice(start + heading.length + 2).search(/\n#{2,3} /);
    return next < 0 ? readme.slice(start) : readme.slice(start, start + heading.length + 2 + next);
}

/**
 * The fenced block of `language` in the section under `heading`: the first one, or the one whose first line is
 * `firstLine` (then without that line).
 */
export function readmeBlock(heading: string, language: string, firstLine?: string): string {
    const blocks = [...readmeSection(heading).matchAll(/```(\w+)\n([^]*?)```/g)].filter((m) => m[1] === language);
    const block = firstLine === undefined ? blocks[0] : blocks.find((m) => m[2].startsWith(`${firstLine}\n`));
    assert.ok(block, `README.md has a ${language} block${firstLine ? ` "${firstLine}"` : ""} in ${heading}`);
    return firstLine === undefined ? block[2] : block[2].slice(firstLine.length + 1);
}

/**
 * Runs a README shell block in `project`'s folder, as a user's shell runs it (`bash -euo pipefail`), with the
 * project's environment but the API key (installing needs none: npm's, pip's and go's tools never see it); not
 * blocking, as the servers the block reaches may answer from this process. Its output goes to the leak guard.
 */
export async function runAsTyped(project: { projectDir: string; environment(): NodeJS.ProcessEnv }, block: string): Promise<void> {
    const env = { ...project.environment() };
    delete env.TIMBAL_API_KEY;
    try {
        const { stdout, stderr } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", block], { cwd: project.projectDir, env, maxBuffer: 64 * 1024 * 1024 });
        recordArtifact(block, stdout + stderr);
    } catch (error: any) {
        recordArtifact(block, `${error.stdout}${error.stderr}`);
        // The tools a block runs (npm, pip, go) say why they failed on stdout as often as on stderr: both go in the failure.
        throw new Error(`${block}\nfailed (${error.code}):\n--- stdout\n${error.stdout}\n--- stderr\n${error.stderr}`);
    }
}
