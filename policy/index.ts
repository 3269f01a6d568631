import {
    PolicyPack,
    type PolicyConfigSchema,
    type PolicyResource,
    type ResourceValidationArgs,
    type ResourceValidationPolicy,
} from "@pulumi/policy";
import type { ConnectorJobState } from "@timbal/pulumi-connector-jobs";

// Guardrails for ConnectorJob resources, run by `pulumi preview --policy-pack policy` (and `up`), so that a dangerous
// extraction is refused before it is dispatched. Each policy is configurable (see config.prod.json / config.dev.json).
//
// Dynamic resources all share the provider `pulumi-nodejs`; ConnectorJob registers the type
// `pulumi-nodejs:dynamic/timbal:ConnectorJob`. Resources created with an older, module-less registration show as
// `pulumi-nodejs:dynamic:Resource`: those are recognised by their properties (connectorId, destTable, source).

const CONNECTOR_JOB = "pulumi-nodejs:dynamic/timbal:ConnectorJob";

/**
 * A job's properties as a policy sees them: the provider's own field types (derived from its field declarations, so
 * a renamed field fails to compile here), any of them possibly not known yet in a preview.
 */
type JobProps = Partial<ConnectorJobState>;

/** The fields that tell a module-less ConnectorJob registration apart from other dynamic resources. */
const IDENTIFYING_FIELDS = ["connectorId", "destTable", "source"] satisfies Array<keyof ConnectorJobState>;

function isConnectorJob(resource: { type: string; props: Record<string, unknown> }): boolean {
    if (resource.type === CONNECTOR_JOB) return true;
    return resource.type === "pulumi-nodejs:dynamic:Resource" && IDENTIFYING_FIELDS.every((field) => field in resource.props);
}

function jobOf(args: ResourceValidationArgs | PolicyResource): JobProps | undefined {
    return isConnectorJob(args) ? args.props : undefined;
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
