import type { ConnectorJobInputs } from "../fields/connector-job-fields";
import { isConnectorJob } from "../fields/type-tokens";

// What a reviewer must not let through, defined once: the policy pack refuses it (policy/index.ts wraps each rule in
// a Pulumi policy) and `timbal-plan` flags it on the pull request (plan/plan.ts runs the same rules on the preview's
// inputs, with the same policy config). Where the plan cannot see what the pack sees (a secret, which the CLI hides
// in `preview --json`; a value not known until apply), it says so instead of guessing.

/** A job's inputs as a review sees them: checked (defaults filled in), any of them possibly not known yet in a preview. */
export type ReviewedJob = Partial<ConnectorJobInputs>;

/** A resource's properties as a ConnectorJob's, in either shell; undefined for any other resource. */
export function asReviewedJob(type: string, props: Record<string, unknown> | undefined): ReviewedJob | undefined {
    return isConnectorJob(type, props) ? (props as ReviewedJob) : undefined;
}

/** A rule's settings, as the policy config file gives them (`config.prod.json`), each with its default. */
export type RuleConfig = Record<string, boolean | number>;

export interface ConfigProperty {
    type: "boolean" | "integer";
    default: boolean | number;
    description?: string;
}

interface Rule {
    /** The policy's name in the pack and in its config files. */
    name: string;
    description: string;
    config: Record<string, ConfigProperty>;
    /** The input paths the rule reads: when one is secret or not known yet, the plan cannot tell what the pack will say. */
    reads: ReadonlyArray<string>;
}

/** A rule about one job: each problem says what is wrong and the fix (without the resource's name); none when it passes. */
export interface JobRule extends Rule {
    problems(job: ReviewedJob, config: RuleConfig): string[];
}

/** A rule about the stack's jobs together: each problem names the jobs it concerns. */
export interface StackRule extends Rule {
    problems(jobs: ReadonlyArray<{ resource: string; job: ReviewedJob }>, config: RuleConfig): Array<{ resources: string[]; message: string }>;
}

const PRODUCTION: Record<string, ConfigProperty> = {
    production: { type: "boolean", default: false, description: "true for a production stack" },
};

/**
 * Whether a job reads its source gently: the one meaning of "gentle". A SQL Server source is read gently with
 * `READ UNCOMMITTED` (no shared locks on the OLTP tables), a MAXDOP of at least 1 (0 is SQL Server's "no cap"), or a
 * rows/s cap above 0. A Postgres source always is: its reads take no locks that block writers (MVCC), and MAXDOP and
 * READ UNCOMMITTED mean nothing there.
 */
export function readsGently(job: ReviewedJob): boolean {
    if (job.source?.kind !== "sql_server") return true;
    const pacing = job.pacing ?? {};
    return pacing.readUncommitted === true || (pacing.maxDop ?? 0) >= 1 || (pacing.maxRowsPerSec ?? 0) > 0;
}

export const NO_REPLACE_IN_PRODUCTION: JobRule = {
    name: "timbal-no-replace-mode-in-production",
    description: 'In production, mode "replace" rewrites a whole KB table: only with an explicit opt-in on the resource.',
    config: PRODUCTION,
    reads: ["mode", "allowReplaceInProduction", "destTable"],
    problems: (job, config) =>
        config.production === true && job.mode === "replace" && job.allowReplaceInProduction !== true
            ? [
                  `mode "replace" would rewrite KB table "${job.destTable}" in production. ` +
                      'Use mode "append", or opt in on this resource with allowReplaceInProduction: true.',
              ]
            : [],
};

export const GENTLE_SQL_SERVER_IN_PRODUCTION: JobRule = {
    name: "timbal-gentle-sql-server-in-production",
    description: "In production, a SQL Server source must be read gently: readUncommitted, maxDop >= 1, or a rows/s cap.",
    config: PRODUCTION,
    reads: ["source.kind", "source.table", "pacing.readUncommitted", "pacing.maxDop", "pacing.maxRowsPerSec"],
    problems: (job, config) =>
        config.production === true && !readsGently(job)
            ? [
                  `the SQL Server table "${job.source?.table}" would be read at full speed in production. ` +
                      "Set pacing.readUncommitted: true, pacing.maxDop (1 pins it single-threaded), or pacing.maxRowsPerSec.",
              ]
            : [],
};

export const BATCH_AND_RATE_BOUNDS: JobRule = {
    name: "timbal-batch-and-rate-bounds",
    description: "batchRows and pacing.maxRowsPerSec stay within the configured bounds.",
    config: {
        minBatchRows: { type: "integer", default: 100 },
        maxBatchRows: { type: "integer", default: 50000 },
        maxRowsPerSec: { type: "integer", default: 20000 },
    },
    reads: ["batchRows", "pacing.maxRowsPerSec"],
    problems: (job, config) => {
        const found: string[] = [];
        if (job.batchRows !== undefined && (job.batchRows < Number(config.minBatchRows) || job.batchRows > Number(config.maxBatchRows))) {
            found.push(`batchRows ${job.batchRows} is outside ${config.minBatchRows}..${config.maxBatchRows}.`);
        }
        const rate = job.pacing?.maxRowsPerSec;
        if (rate !== undefined && rate > Number(config.maxRowsPerSec)) {
            found.push(`pacing.maxRowsPerSec ${rate} is above the allowed ${config.maxRowsPerSec}.`);
        }
        return found;
    },
};

export const UNIQUE_DESTINATION: StackRule = {
    name: "timbal-unique-destination",
    description: "No two jobs of one stack write the same KB table.",
    config: {},
    reads: ["orgId", "kbId", "destTable"],
    problems: (jobs) => {
        const writers = new Map<string, string[]>();
        for (const { resource, job } of jobs) {
            if (job.kbId === undefined || job.destTable === undefined) continue;
            const key = `org "${job.orgId ?? "(stack org)"}", KB ${job.kbId}, table "${job.destTable}"`;
            writers.set(key, [...(writers.get(key) ?? []), resource]);
        }
        return [...writers]
            .filter(([, names]) => names.length > 1)
            .map(([destination, names]) => ({ resources: names, message: `${[...names].sort().join(" and ")} all write ${destination}. Give each its own destTable.` }));
    },
};

export const JOB_RULES: ReadonlyArray<JobRule> = [NO_REPLACE_IN_PRODUCTION, GENTLE_SQL_SERVER_IN_PRODUCTION, BATCH_AND_RATE_BOUNDS];
export const STACK_RULES: ReadonlyArray<StackRule> = [UNIQUE_DESTINATION];

/** Thrown for a policy config file the pack would refuse too: it names the setting and what it must be. */
export class PolicyConfigError extends Error {}

/** A rule's settings from a policy config file's object for it (`{ "production": true }`), defaults filled in. */
export function ruleConfig(rule: JobRule | StackRule, given: unknown): RuleConfig {
    const config: RuleConfig = {};
    for (const [key, property] of Object.entries(rule.config)) {
        const value = given !== null && typeof given === "object" ? (given as Record<string, unknown>)[key] : undefined;
        const fits = property.type === "boolean" ? typeof value === "boolean" : Number.isInteger(value);
        if (value !== undefined && !fits) throw new PolicyConfigError(`"${rule.name}".${key} must be ${property.type === "boolean" ? "true or false" : "an integer"}; got ${JSON.stringify(value)}`);
        config[key] = value === undefined ? property.default : (value as boolean | number);
    }
    return config;
}

/** What the pack does when a rule finds a problem: refuse (mandatory), only warn (advisory), or not run it (disabled). */
export type Enforcement = "mandatory" | "advisory" | "disabled";

/** A rule's enforcement in a policy config file (`"rule": "advisory"`, `{ "enforcementLevel": ... }`, or `"all"`). */
export function ruleEnforcement(rule: JobRule | StackRule, file: Record<string, unknown>): Enforcement {
    const level = (entry: unknown) => (typeof entry === "string" ? entry : entry !== null && typeof entry === "object" ? (entry as { enforcementLevel?: unknown }).enforcementLevel : undefined);
    const given = level(file[rule.name]) ?? level(file.all);
    // The pack declares every rule mandatory; "remediate" is a refusal too, for rules that cannot fix anything.
    return given === "advisory" || given === "disabled" ? given : "mandatory";
}
