import * as pulumi from "@pulumi/pulumi";
import { ConnectorJobCompletion } from "./completion-resource";
import { INPUT_FIELDS } from "./inputs";
import connectorJobProvider = require("./connector-job-provider");
import { dropStackFrames, registrationOptions } from "./registration";
import { JOB_STATUS_FIELDS } from "./wire";

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where the rows come from: a table in a database the connector can reach. */
export interface SourceArgs {
    /** `postgres` or `sql_server`; the connector must advertise `source:<kind>`. */
    kind: pulumi.Input<"postgres" | "sql_server">;
    /** Name of a connection in the connector's local `connections.json` (the DSN never leaves the connector). */
    connectionRef: pulumi.Input<string>;
    /** Source table to extract. */
    table: pulumi.Input<string>;
    /** Monotonic column for incremental extraction (`id`, `updated_at`, ...). */
    cursorColumn: pulumi.Input<string>;
    /** Source schema; defaults to `public` (Postgres) or `dbo` (SQL Server). */
    schema?: pulumi.Input<string>;
    /** Columns to extract; omit for all columns. */
    columns?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Load shaping for busy source systems; omit for no throttle. */
export interface PacingArgs {
    /** Sleep between batches, in milliseconds. */
    batchDelayMs?: pulumi.Input<number>;
    /** SQL Server only: `OPTION (MAXDOP n)`; `1` pins the queries single-threaded. */
    maxDop?: pulumi.Input<number>;
    /** Cap on sustained rows per second across the job. */
    maxRowsPerSec?: pulumi.Input<number>;
    /** SQL Server only: read with `READ UNCOMMITTED` (no shared locks on the source). */
    readUncommitted?: pulumi.Input<boolean>;
}

/** The extraction a ConnectorJob dispatches. A change to any of these re-dispatches it as a new job. */
export interface ConnectorJobArgs {
    /** The Timbal connector that runs the extraction. */
    connectorId: pulumi.Input<string>;
    /** Target KB, by its numeric id (as in the `/k2` routes). */
    kbId: pulumi.Input<number>;
    /** Destination table inside the KB. */
    destTable: pulumi.Input<string>;
    /** The Timbal org; defaults to `timbal:orgId` (or TIMBAL_ORG_ID, or the profile's `org`). */
    orgId?: pulumi.Input<string>;
    /** The source table. */
    source: pulumi.Input<SourceArgs>;
    /** `create` (default), `append` or `replace`. */
    mode?: pulumi.Input<"create" | "append" | "replace">;
    /** Target rows per batch; defaults to 5000. */
    batchRows?: pulumi.Input<number>;
    /** Resume checkpoint; omit for a full initial extract. */
    cursor?: pulumi.Input<Record<string, JsonValue>>;
    /** Load shaping against the source. */
    pacing?: pulumi.Input<PacingArgs>;
    /** `hosted` (default) or `local` (needs a connector with `kb:local`). */
    placement?: pulumi.Input<"hosted" | "local">;
    /** Any value; changing it re-dispatches the job, as `triggers` does in pulumi-command. */
    triggers?: pulumi.Input<JsonValue>;
    /**
     * Wait for the job to finish before create/update completes (`true`: up to 3600 s). A failed or unfinished job
     * fails the deployment but stays in the stack; the next `pulumi up` waits on it again. Changing this is an
     * in-place update, never a re-dispatch.
     */
    waitForCompletion?: pulumi.Input<boolean | WaitForCompletionArgs>;
    /**
     * Adopt an existing job (dispatched by hand or elsewhere) instead of dispatching: the import path for this
     * resource. Its `destTable` and `mode` must match the job's. Removing it later changes nothing.
     */
    adoptJobId?: pulumi.Input<string>;
    /**
     * The explicit opt-in the policy pack (policy/) requires for `mode: "replace"` in a production stack. Not sent;
     * changing it is an in-place update.
     */
    allowReplaceInProduction?: pulumi.Input<boolean>;
}

/** How long and how often to wait. */
export interface WaitForCompletionArgs {
    /** Give up after this many seconds (default 3600). */
    timeoutSeconds?: pulumi.Input<number>;
    /** The longest pause between two polls, in seconds (default 15; polls start about 1 s apart). */
    pollIntervalSeconds?: pulumi.Input<number>;
}

/** Every property the resource exposes, so that each is registered as an output (inputs as resolved, then status). */
const OUTPUT_NAMES: ReadonlyArray<string> = [...INPUT_FIELDS, ...JOB_STATUS_FIELDS];

/** True unless the program said plainly not to wait; a value known only later gets a completion that may not wait. */
function mayWait(value: ConnectorJobArgs["waitForCompletion"]): boolean {
    return value !== undefined && value !== null && value !== false;
}

/**
 * A Timbal connector extraction job. Creating it dispatches the job once; `pulumi refresh` reads its progress from
 * the job list; a change to what it extracts dispatches a new job; deleting it forgets the job (Timbal cannot cancel).
 * With `waitForCompletion`, a child ConnectorJobCompletion waits for the job once its id is recorded, and the status
 * outputs (`state`, `rowsEmitted`, ...) are the completion's: the job's final status.
 */
export class ConnectorJob extends pulumi.dynamic.Resource {
    declare readonly connectorId: pulumi.Output<string>;
    declare readonly kbId: pulumi.Output<number>;
    declare readonly destTable: pulumi.Output<string>;
    /** The org the job was dispatched in. */
    declare readonly orgId: pulumi.Output<string>;
    /** The API endpoint the job was dispatched to. */
    declare readonly baseUrl: pulumi.Output<string>;
    declare readonly source: pulumi.Output<{
        kind: "postgres" | "sql_server";
        connectionRef: string;
        table: string;
        cursorColumn: string;
        schema: string;
        columns?: string[];
    }>;
    declare readonly mode: pulumi.Output<"create" | "append" | "replace">;
    declare readonly batchRows: pulumi.Output<number>;
    declare readonly cursor: pulumi.Output<Record<string, JsonValue> | undefined>;
    declare readonly pacing: pulumi.Output<
        { batchDelayMs?: number; maxDop?: number; maxRowsPerSec?: number; readUncommitted?: boolean } | undefined
    >;
    declare readonly placement: pulumi.Output<"hosted" | "local">;
    declare readonly triggers: pulumi.Output<JsonValue | undefined>;
    declare readonly waitForCompletion: pulumi.Output<boolean | { timeoutSeconds?: number; pollIntervalSeconds?: number } | undefined>;
    declare readonly adoptJobId: pulumi.Output<string | undefined>;
    declare readonly allowReplaceInProduction: pulumi.Output<boolean | undefined>;

    /** The job's state as Timbal reports it (`queued`, `running`, `succeeded`, ...); `dispatched` until first listed. */
    declare readonly state: pulumi.Output<string>;
    declare readonly rowsEmitted: pulumi.Output<number>;
    /** The KB's uid; absent until the job is first listed. */
    declare readonly kbUid: pulumi.Output<string | undefined>;
    declare readonly createdAt: pulumi.Output<string | undefined>;
    declare readonly updatedAt: pulumi.Output<string | undefined>;
    /** When the run first reported progress. */
    declare readonly startedAt: pulumi.Output<string | undefined>;
    /** When the run reached a terminal state. */
    declare readonly finishedAt: pulumi.Output<string | undefined>;
    declare readonly durationMs: pulumi.Output<number | undefined>;
    declare readonly rowsPerSec: pulumi.Output<number | undefined>;
    declare readonly message: pulumi.Output<string | undefined>;
    /** The parent sync; absent for manual dispatches such as these. */
    declare readonly syncId: pulumi.Output<string | undefined>;

    /**
     * The child resource that waits for the job, when `waitForCompletion` is set. `dependsOn: [job]` orders another
     * resource after the dispatch only; to order it after the job has finished, use `dependsOn: [job.completion]`
     * (or any status output of the job).
     */
    readonly completion?: ConnectorJobCompletion;

    constructor(name: string, args: ConnectorJobArgs, opts?: pulumi.CustomResourceOptions) {
        const outputs = Object.fromEntries(OUTPUT_NAMES.map((key) => [key, undefined]));
        const restoreStackFrames = dropStackFrames();
        try {
            super(connectorJobProvider, name, { ...outputs, ...args }, registrationOptions(opts), "timbal", "ConnectorJob");
        } finally {
            restoreStackFrames();
        }
        if (!mayWait(args.waitForCompletion)) return;
        const completion = new ConnectorJobCompletion(
            `${name}-completion`,
            {
                jobId: this.id,
                orgId: this.orgId,
                connectorId: this.connectorId,
                baseUrl: this.baseUrl,
                kbId: this.kbId,
                destTable: this.destTable,
                waitForCompletion: args.waitForCompletion,
            },
            { parent: this },
        );
        this.completion = completion;
        const statusOutputs = completion as unknown as Record<string, pulumi.Output<unknown>>;
        for (const field of JOB_STATUS_FIELDS) (this as unknown as Record<string, unknown>)[field] = statusOutputs[field];
    }
}
