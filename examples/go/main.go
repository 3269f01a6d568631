// A data team's extractions, declared as code in Go: three tables from the warehouse's Postgres into the sales KB,
// and the ERP's general ledger from SQL Server into the finance KB, read gently because the ERP serves live traffic.
// Credentials and the org come from stack config (`timbal:*`) or TIMBAL_* variables, never from this file.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
	"github.com/timbal-ai/pulumi-timbal/sdk/go/timbal"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		salesKbId := cfg.RequireInt("salesKbId")
		financeKbId := cfg.RequireInt("financeKbId")

		jobs := map[string]*timbal.ConnectorJob{}
		for _, table := range []string{"orders", "order_items", "customers"} {
			job, err := timbal.NewConnectorJob(ctx, "warehouse-"+table, &timbal.ConnectorJobArgs{
				ConnectorId: pulumi.String("warehouse-pg"),
				KbId:        pulumi.Int(salesKbId),
				DestTable:   pulumi.String(table),
				Source: timbal.ConnectorJobSourceArgs{
					Kind: pulumi.String("postgres"), ConnectionRef: pulumi.String("warehouse"),
					Table: pulumi.String(table), CursorColumn: pulumi.String("updated_at"),
				},
				Mode: pulumi.String("append"),
			})
			if err != nil {
				return err
			}
			jobs["warehouse-"+table] = job
		}

		ledger, err := timbal.NewConnectorJob(ctx, "erp-general-ledger", &timbal.ConnectorJobArgs{
			ConnectorId: pulumi.String("erp-sqlserver"),
			KbId:        pulumi.Int(financeKbId),
			DestTable:   pulumi.String("general_ledger"),
			Source: timbal.ConnectorJobSourceArgs{
				Kind: pulumi.String("sql_server"), ConnectionRef: pulumi.String("erp"), Schema: pulumi.String("fin"),
				Table: pulumi.String("GeneralLedger"), CursorColumn: pulumi.String("EntryId"),
			},
			Mode:      pulumi.String("replace"),
			BatchRows: pulumi.Int(2000),
			Pacing: &timbal.ConnectorJobPacingArgs{
				ReadUncommitted: pulumi.Bool(true), MaxDop: pulumi.Int(1), MaxRowsPerSec: pulumi.Int(1000), BatchDelayMs: pulumi.Int(250),
			},
		})
		if err != nil {
			return err
		}
		jobs["erp-general-ledger"] = ledger

		// Each job's id, state and rows landed, by resource name.
		status := pulumi.Map{}
		for name, job := range jobs {
			status[name] = pulumi.Map{"id": job.JobId, "state": job.State, "rows": job.RowsEmitted}
		}
		ctx.Export("jobStatus", status)
		return nil
	})
}
