"""A data team's extractions, declared as code in Python: three tables from the warehouse's Postgres into the sales KB,
and the ERP's general ledger from SQL Server into the finance KB, read gently because the ERP serves live traffic.
Credentials and the org come from stack config (`timbal:*`) or TIMBAL_* variables, never from this file."""

import pulumi
import pulumi_timbal as timbal

config = pulumi.Config()
sales_kb_id = config.require_int("salesKbId")
finance_kb_id = config.require_int("financeKbId")

jobs = {}

for table in ["orders", "order_items", "customers"]:
    jobs[f"warehouse-{table}"] = timbal.ConnectorJob(
        f"warehouse-{table}",
        connector_id="warehouse-pg",
        kb_id=sales_kb_id,
        dest_table=table,
        source=timbal.ConnectorJobSourceArgs(kind="postgres", connection_ref="warehouse", table=table, cursor_column="updated_at"),
        mode="append",
    )

jobs["erp-general-ledger"] = timbal.ConnectorJob(
    "erp-general-ledger",
    connector_id="erp-sqlserver",
    kb_id=finance_kb_id,
    dest_table="general_ledger",
    source=timbal.ConnectorJobSourceArgs(kind="sql_server", connection_ref="erp", schema="fin", table="GeneralLedger", cursor_column="EntryId"),
    mode="replace",
    batch_rows=2000,
    pacing=timbal.ConnectorJobPacingArgs(read_uncommitted=True, max_dop=1, max_rows_per_sec=1000, batch_delay_ms=250),
)

# Each job's id, state and rows landed, by resource name.
pulumi.export("jobStatus", {name: {"id": job.job_id, "state": job.state, "rows": job.rows_emitted} for name, job in jobs.items()})
