import { ConnectorJob, type PacingArgs } from "@timbal/pulumi-connector-jobs";
import { loadSettings } from "./settings";

// The extractions of every environment, in one list: adding a table is one line. Where each lands (org, KBs) and how
// gently it reads (pacing) come from the stack's settings; credentials from `pulumi config set --secret
// timbal:apiKey` or TIMBAL_API_KEY, never from this file.

const settings = loadSettings();

interface Extraction {
    /** Resource name, and the KB table it lands in. */
    table: string;
    source: "warehouse" | "erp";
    sourceTable: string;
    kb: keyof typeof settings.kbs;
    mode?: "create" | "append" | "replace";
    schema?: string;
    triggers?: string;
    waitForCompletion?: boolean;
    /** The run policy: how old its last job may get before the next `pulumi up --refresh` runs it again. */
    rerunAfter?: string;
}

const extractions: Extraction[] = [
    // Reloaded by the nightly schedule (schedule.workflow.yml): a little less than a day, so that no night is skipped.
    { table: "orders", source: "warehouse", sourceTable: "orders", kb: "sales", mode: "append", rerunAfter: "23h" },
    { table: "order_items", source: "warehouse", sourceTable: "order_items", kb: "sales", mode: "append", rerunAfter: "23h" },
    { table: "customers", source: "warehouse", sourceTable: "customers", kb: "sales", mode: "append", rerunAfter: "23h" },
    { table: "general_ledger", source: "erp", sourceTable: "GeneralLedger", schema: "fin", kb: "finance", mode: "append", rerunAfter: "6d23h" },
];

const sources = {
    warehouse: { connectorId: "warehouse-pg", kind: "postgres", connectionRef: "warehouse", cursorColumn: "updated_at" },
    erp: { connectorId: "erp-sqlserver", kind: "sql_server", connectionRef: "erp", cursorColumn: "EntryId" },
} as const;

export const jobs = Object.fromEntries(
    extractions.map((e) => {
        const source = sources[e.source];
        const pacing: PacingArgs = settings.pacing[e.source];
        const job = new ConnectorJob(e.table, {
            connectorId: source.connectorId,
            kbId: settings.kbs[e.kb],
            destTable: e.table,
            source: { kind: source.kind, connectionRef: source.connectionRef, table: e.sourceTable, cursorColumn: source.cursorColumn, schema: e.schema },
            mode: e.mode,
            pacing,
            triggers: e.triggers,
            waitForCompletion: e.waitForCompletion ?? settings.waitForCompletion,
            rerunAfter: e.rerunAfter,
            // A failed load is tried again by the next scheduled run.
            retryFailed: true,
        });
        return [e.table, { id: job.id, org: job.orgId, state: job.state }];
    }),
);
