import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

// The stack's own settings (`timbal-extractions:settings`), typed and checked before anything is declared: a missing
// or wrong value stops the program with the field and the fix, instead of dispatching with a bad KB or no pacing.

const kbId = z.int().positive();
const settingsSchema = z.strictObject({
    /** Which environment this stack is; production turns on the policy pack's production rules in CI. */
    environment: z.enum(["dev", "prod"]),
    /** The KB of each domain, by its numeric id in this environment's org. */
    kbs: z.strictObject({ sales: kbId, finance: kbId }),
    /** How gently each source is read in this environment. */
    pacing: z.strictObject({
        warehouse: z.strictObject({ maxRowsPerSec: z.int().positive().optional(), batchDelayMs: z.int().min(0).optional() }),
        erp: z.strictObject({
            readUncommitted: z.boolean().optional(),
            maxDop: z.int().positive().optional(),
            maxRowsPerSec: z.int().positive().optional(),
        }),
    }),
    /** Whether `pulumi up` waits for the extractions to finish. */
    waitForCompletion: z.boolean().default(false),
});

export type Settings = z.infer<typeof settingsSchema>;

export function loadSettings(): Settings {
    const config = new pulumi.Config();
    const key = `${pulumi.getProject()}:settings`;
    const raw = config.getObject<unknown>("settings");
    if (raw === undefined) {
        throw new Error(`stack config ${key} is missing. Set it in Pulumi.${pulumi.getStack()}.yaml (see Pulumi.dev.yaml)`);
    }
    const parsed = settingsSchema.safeParse(raw);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  - settings.${issue.path.join(".")}: ${issue.message}`).join("\n");
        throw new Error(`stack config ${key} is invalid:\n${problems}\nFix it with \`pulumi config set --path settings.<field> <value>\``);
    }
    return parsed.data;
}
