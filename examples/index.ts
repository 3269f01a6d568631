import * as pulumi from "@pulumi/pulumi";
import { ConnectorJob } from "@timbal/pulumi-connector-jobs";

// A data team's extractions, declared as code: three tables from the warehouse's Postgres into the sales KB, and the
// ERP's general ledger from SQL Server into the finance KB, read gently because the ERP serves live traffic.
// Credentials and the org come from stack config (`timbal:*`) or TIMBAL_* variables, never from this file.

const config = new pulumi.Config();
const salesKbId = config.requireNumber("salesKbId");
const financeKbId = config.requireNumber("financeKbId");

const warehouseTables = ["orders", "order_items", "customers"];

const jobs: Record<string, ConnectorJob> = {};

for (const table of warehouseTables) {
    jobs[`warehouse-${table}`] = new ConnectorJob(`warehouse-${table}`, {
        connectorId: "warehouse-pg",
        kbId: salesKbId,
        destTable: table,
        source: { kind: "postgres", connectionRef: "warehouse", table, cursorColumn: "updated_at" },
        mode: "append",
    });
}

jobs["erp-general-ledger"] = new ConnectorJob("erp-general-ledger", {
    connectorId: "erp-sqlserver",
    kbId: financeKbId,
    destTable: "general_ledger",
    source: { kind: "sql_server", connectionRef: "erp", schema: "fin", table: "GeneralLedger", cursorColumn: "EntryId" },
    mode: "replace",
    batchRows: 2000,
    pacing: { readUncommitted: true, maxDop: 1, maxRowsPerSec: 1000, batchDelayMs: 250 },
});

/** Each job's id, state and rows landed, by resource name. */
export const jobStatus = Object.fromEntries(
    Object.entries(jobs).map(([name, job]) => [name, { id: job.id, state: job.state, rows: job.rowsEmitted }]),
);
