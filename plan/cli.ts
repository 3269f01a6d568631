#!/usr/bin/env node
import * as fs from "fs";
import { parseArgs } from "util";
import { GITHUB_COMMENT_LIMIT, headline, renderMarkdown } from "./markdown";
import { createDecisionClock } from "../provider/jobs/decision-clock";
import { defaultJournalDir } from "../provider/jobs/dispatch-journal";
import { countsOf, planStack, type PolicyConfigFile, type StackPlan } from "./plan";
import { JOB_RULES, PolicyConfigError, ruleConfig, STACK_RULES } from "../provider/review/policy-rules";
import { PreviewFormatError, readPreview, readUnchangedCount, type PreviewStep } from "./preview";

// `timbal-plan`: turns `pulumi preview --json` (files, or stdin) into a dispatch plan for a pull-request comment.

const USAGE = `Usage: timbal-plan [options] [preview.json ...]

Reads \`pulumi preview --json\` output (files, one per stack, or stdin when none is given) and writes what the change
will do to Timbal: extractions dispatched (new, re-dispatched, full replace loads), changed in place, forgotten.

Options:
  --format <markdown|json>     output format (default markdown, for a pull-request comment)
  --policy-config <stack>=<file>
                               the stack's policy pack config: the plan flags what the policy pack refuses with
                               it (each policy's defaults without one); "production": true marks the stack as
                               production. Repeatable.
  --max-chars <n>              longest Markdown output (default ${GITHUB_COMMENT_LIMIT}, GitHub's comment limit)
  -h, --help                   print this help

Example:
  pulumi preview --json --stack prod > prod.json
  timbal-plan --policy-config prod=policy/config.prod.json prod.json > plan.md
`;

class UsageError extends Error {}

function policyConfigs(specs: string[]): Map<string, PolicyConfigFile> {
    const configs = new Map<string, PolicyConfigFile>();
    for (const spec of specs) {
        const at = spec.indexOf("=");
        if (at <= 0) throw new UsageError(`--policy-config must be <stack>=<file>, got "${spec}"`);
        const [stack, file] = [spec.slice(0, at), spec.slice(at + 1)];
        let config: unknown;
        try {
            config = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (err) {
            throw new UsageError(`--policy-config ${spec}: ${(err as Error).message}`);
        }
        if (config === null || typeof config !== "object" || Array.isArray(config)) throw new UsageError(`--policy-config ${spec}: not a JSON object`);
        // A setting the pack would refuse fails here too, before any plan is written.
        for (const rule of [...JOB_RULES, ...STACK_RULES]) {
            try {
                ruleConfig(rule, (config as PolicyConfigFile)[rule.name]);
            } catch (err) {
                if (err instanceof PolicyConfigError) throw new UsageError(`--policy-config ${spec}: ${err.message}`);
                throw err;
            }
        }
        configs.set(stack, config as PolicyConfigFile);
    }
    return configs;
}

function main(): void {
    let values;
    let positionals: string[];
    try {
        ({ values, positionals } = parseArgs({
            allowPositionals: true,
            options: {
                format: { type: "string", default: "markdown" },
                "policy-config": { type: "string", multiple: true, default: [] },
                "max-chars": { type: "string", default: String(GITHUB_COMMENT_LIMIT) },
                help: { type: "boolean", short: "h" },
            },
        }));
    } catch (err) {
        throw new UsageError(`${(err as Error).message.split(". ")[0]} (see --help)`);
    }
    if (values.help) {
        process.stdout.write(USAGE);
        return;
    }
    if (values.format !== "markdown" && values.format !== "json") {
        throw new UsageError(`--format must be markdown or json, got "${values.format}"`);
    }
    const maxChars = Number(values["max-chars"]);
    if (!Number.isInteger(maxChars) || maxChars < 1000) throw new UsageError(`--max-chars must be an integer of at least 1000, got "${values["max-chars"]}"`);
    const policyConfig = policyConfigs(values["policy-config"]);

    const sources = positionals.length > 0 ? positionals : ["-"];
    const previews = sources.map((source) => ({ text: source === "-" ? fs.readFileSync(0, "utf8") : readFile(source), name: source === "-" ? "stdin" : source }));
    const read = previews.map(({ text, name }) => ({ steps: readPreview(text, name), unchangedCount: readUnchangedCount(text, name) }));
    const steps: PreviewStep[] = read.flatMap((preview) => preview.steps);
    // One preview per stack: the unchanged resources it counted, to tell whether it listed them (--show-sames).
    const unchangedCounts = new Map<string, number>();
    for (const { steps: [first], unchangedCount } of read) {
        if (first && unchangedCount !== undefined) unchangedCounts.set(first.stack, (unchangedCounts.get(first.stack) ?? 0) + unchangedCount);
    }
    const stackNames = [...new Set(steps.map((step) => step.stack))];
    // Run policies are judged at the instant the preview judged them on this machine (see decision-clock.ts).
    const decisionClock = createDecisionClock(defaultJournalDir());
    const stacks: StackPlan[] = stackNames.map((stack) =>
        planStack(stack, steps.filter((step) => step.stack === stack), policyConfig.get(stack) ?? {}, {
            judgeAt: (jobId) => decisionClock.instantFor(jobId),
            unchangedCount: unchangedCounts.get(stack),
        }),
    );
    if (values.format === "json") {
        const report = {
            headline: headline(stacks),
            totals: countsOf(stacks.flatMap((stack) => stack.items)),
            stacks: stacks.map((stack) => ({ ...stack, counts: countsOf(stack.items) })),
        };
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
        process.stdout.write(renderMarkdown(stacks, maxChars));
    }
}

function readFile(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new UsageError(`${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
}

try {
    main();
} catch (err) {
    if (err instanceof UsageError || err instanceof PreviewFormatError) {
        console.error(`timbal-plan: ${err.message}`);
        process.exit(2);
    }
    throw err;
}
