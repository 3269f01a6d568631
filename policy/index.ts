import {
    PolicyPack,
    type PolicyConfigSchema,
    type PolicyResource,
    type ResourceValidationArgs,
    type ResourceValidationPolicy,
} from "@pulumi/policy";
import { isConnectorJob, type ConnectorJobState } from "@timbal/pulumi-connector-jobs";

// Guardrails for ConnectorJob resources, run by `pulumi preview --policy-pack policy` (and `up`), so that a dangerous
// extraction is refused before it is dispatched. Each policy is configurable (see config.prod.json / config.dev.json).
//
// A ConnectorJob is recognised as timbal-plan recognises it (isConnectorJob, from the provider package): the dynamic
// provider's `pulumi-nodejs:dynamic/timbal:ConnectorJob` (TypeScript programs), the provider plugin's
// `timbal:index:ConnectorJob` (YAML and other languages), and an older module-less dynamic registration told by its
// properties.

/**
 * A job's properties as a policy sees them: the provider's own field types (derived from its field declarations, so
 * a renamed field fails to compile here), any of them possibly not known yet in a preview.
 */
type JobProps = Partial<ConnectorJobState>;

function jobOf(args: ResourceValidationArgs | PolicyResource): JobProps | undefined {
    return isConnectorJob(args.type, args.props) ? args.props : undefined;
}

/** A mandatory rule that applies only to stacks whose policy config sets `production: true`. */
function productionRule(
    name: string,
    description: string,
    violation: (resourceName: string, job: JobProps) => string | undefined,
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        configSchema: <PolicyConfigSchema>{
            properties: { production: { type: "boolean", default: false, description: "true for a production stack" } },
        },
        validateResource: (args, reportViolation) => {
            const job = jobOf(args);
            if (!job || !args.getConfig<{ production: boolean }>().production) return;
            const message = violation(args.name, job);
            if (message) reportViolation(message);
        },
    };
}

new PolicyPack("timbal-connector-jobs", {
    policies: [
        productionRule(
            "timbal-no-replace-mode-in-production",
            'In production, mode "replace" rewrites a whole KB table: only with an explicit opt-in on the resource.',
            (name, job) =>
                job.mode === "replace" && job.allowReplaceInProduction !== true
                    ? `${name}: mode "replace" would rewrite KB table "${job.destTable}" in production. ` +
                      'Use mode "append", or opt in on this resource with allowReplaceInProduction: true.'
                    : undefined,
        ),
        productionRule(
            "timbal-gentle-sql-server-in-production",
            "In production, a SQL Server source must be read gently: readUncommitted, maxDop, or a rows/s cap.",
            (name, job) => {
                if (job.source?.kind !== "sql_server") return undefined;
                const pacing = job.pacing ?? {};
                const gentle = pacing.readUncommitted === true || pacing.maxDop !== undefined || (pacing.maxRowsPerSec ?? 0) > 0;
                return gentle
                    ? undefined
                    : `${name}: the SQL Server table "${job.source.table}" would be read at full speed in production. ` +
                          "Set pacing.readUncommitted: true, pacing.maxDop (1 pins it single-threaded), or pacing.maxRowsPerSec.";
            },
        ),
        {
            name: "timbal-batch-and-rate-bounds",
            description: "batchRows and pacing.maxRowsPerSec stay within the configured bounds.",
            enforcementLevel: "mandatory",
            configSchema: <PolicyConfigSchema>{
                properties: {
                    minBatchRows: { type: "integer", default: 100 },
                    maxBatchRows: { type: "integer", default: 50000 },
                    maxRowsPerSec: { type: "integer", default: 20000 },
                },
            },
            validateResource: (args, reportViolation) => {
                const job = jobOf(args);
                if (!job) return;
                const bounds = args.getConfig<{ minBatchRows: number; maxBatchRows: number; maxRowsPerSec: number }>();
                if (job.batchRows !== undefined && (job.batchRows < bounds.minBatchRows || job.batchRows > bounds.maxBatchRows)) {
                    reportViolation(`${args.name}: batchRows ${job.batchRows} is outside ${bounds.minBatchRows}..${bounds.maxBatchRows}.`);
                }
                const rate = job.pacing?.maxRowsPerSec;
                if (rate !== undefined && rate > bounds.maxRowsPerSec) {
                    reportViolation(`${args.name}: pacing.maxRowsPerSec ${rate} is above the allowed ${bounds.maxRowsPerSec}.`);
                }
            },
        },
        {
            name: "timbal-unique-destination",
            description: "No two jobs of one stack write the same KB table.",
            enforcementLevel: "mandatory",
            validateStack: (args, reportViolation) => {
                const writers = new Map<string, string[]>();
                for (const resource of args.resources) {
                    const job = jobOf(resource);
                    if (!job || job.kbId === undefined || job.destTable === undefined) continue;
                    const key = `org "${job.orgId ?? "(stack org)"}", KB ${job.kbId}, table "${job.destTable}"`;
                    writers.set(key, [...(writers.get(key) ?? []), resource.name]);
                }
                for (const [destination, names] of writers) {
                    if (names.length > 1) reportViolation(`${names.sort().join(" and ")} all write ${destination}. Give each its own destTable.`);
                }
            },
        },
    ],
});
