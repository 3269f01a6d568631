import * as fs from "fs";
import { z } from "zod";
import type { WorldSeed } from "./world";

// The emulator's world as a JSON file (`--seed`): read and checked here, so that a mistake in it is one clear line
// naming the file and the field, not a crash on the first request.

const seedSchema = z.strictObject({
    orgs: z
        .array(
            z.strictObject({
                id: z.string().min(1),
                connectors: z.array(z.strictObject({ id: z.string().min(1), capabilities: z.array(z.string()) })),
                kbs: z.array(z.strictObject({ id: z.number().int().positive(), uid: z.string().min(1) })),
            }),
        )
        .min(1),
    tableRows: z.record(z.string(), z.number().int().nonnegative()).optional(),
});

/** The world held in `file`; throws one line naming the file and what is wrong in it. */
export function readSeedFile(file: string): WorldSeed {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new Error(`seed file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw new Error(`seed file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = seedSchema.safeParse(json);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
        throw new Error(`seed file ${file}: ${where}: ${issue.message} (see emulator/seed.json for the shape)`);
    }
    return parsed.data;
}
