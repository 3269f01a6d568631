import * as fs from "fs";

// Suites that need a tool from outside the repository (the Pulumi CLI, schemathesis, Prism) skip when it is not
// installed, so that a developer without it still runs the rest. CI installs them all and sets TIMBAL_REQUIRE_<TOOL>=1
// (.ci/run): there a missing tool fails the suite instead, so that a broken install cannot pass as a skip.

export interface RequiredTool {
    /** Where the tool was found, or undefined when it was not. */
    found: string | undefined;
    /** What is missing and how to install it, e.g. "Prism is not installed (run tools/prism/ensure.sh)". */
    missing: string;
    /** The variable that, set to "1", makes a missing tool a failure instead of a skip. */
    requiredEnvVar: string;
}

/**
 * The tool's path; when it was not found, skips the calling suite (from a `before` hook) or test, saying why, unless
 * `requiredEnvVar` is "1": then it throws.
 */
export function requireTool(suite: Mocha.Context, tool: RequiredTool): string {
    if (tool.found) return tool.found;
    if (process.env[tool.requiredEnvVar] === "1") throw new Error(`${tool.missing}; ${tool.requiredEnvVar}=1 makes this a failure`);
    console.log(`      SKIPPED: ${tool.missing}`);
    suite.skip();
    throw new Error("unreachable");
}

/** The file the environment variable names (CI sets it to what it installed), else the cached install, if it exists. */
export function installedFile(envVar: string, cached: string): string | undefined {
    return [process.env[envVar], cached].find((file): file is string => !!file && fs.existsSync(file));
}
