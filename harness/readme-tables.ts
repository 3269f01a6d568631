import * as fs from "fs";
import * as path from "path";
import { flatten, type Field, type Group, type OnChange } from "../provider/fields/field-declaration";
import { CONNECTOR_JOB_FIELDS } from "../provider/fields/connector-job-fields";
import { STATUS_FIELDS } from "../provider/fields/status-fields";
import { typeText } from "../provider/fields/validators";

// The README's input and output tables, generated from the field declarations (provider/fields/connector-job-fields.ts,
// status-fields.ts). `npm run readme:tables` writes them between their markers; test/unit/readme-tables.test.ts fails
// when the README's copy is stale.

export const README = path.join(__dirname, "..", "README.md");

const CHANGE: Record<OnChange, string> = {
    replace: "re-dispatch",
    "in-place": "in place",
    adopt: "another id adopts that job; removing it changes nothing",
};

function isRequired(declared: Field | Group): boolean {
    return declared.kind === "group" ? !declared.optional : !declared.schema.safeParse(undefined).success;
}

function sentAs(declared: Field | Group): string {
    if (!declared.sent) return "not sent";
    return "body" in declared.sent ? `\`${declared.sent.body}\`` : `path \`{${declared.sent.path}}\``;
}

export function inputTable(): string {
    const rows = flatten(CONNECTOR_JOB_FIELDS)
        .filter(({ declared }) => declared.kind === "group" || declared.from !== "settings")
        .map(({ path: name, declared }) => {
            const type = declared.kind === "group" ? "object" : typeText(declared.schema);
            const fallback = declared.kind === "field" && declared.default ? declared.default.shown : "none";
            const shownDefault = isRequired(declared) ? "required" : fallback;
            // A nested field changes with its object: the object's row says what a change does.
            const change = declared.onChange === undefined ? `as \`${name.split(".")[0]}\`` : CHANGE[declared.onChange];
            return `| \`${name}\` | ${type} | ${shownDefault} | ${sentAs(declared)} | ${change} | ${declared.doc} |`;
        });
    return ["| input | type | default | sent as | a change | notes |", "|---|---|---|---|---|---|", ...rows].join("\n");
}

export function outputTable(): string {
    const rows = Object.entries(STATUS_FIELDS).map(([name, declared]) => `| \`${name}\` | \`${declared.listedAs}\` | ${declared.doc} |`);
    return ["| output | from the job list's | notes |", "|---|---|---|", ...rows].join("\n");
}

const TABLES = { inputs: inputTable, outputs: outputTable };
export type TableName = keyof typeof TABLES;

function markers(name: TableName): [string, string] {
    return [`<!-- ${name} table: generated from provider/fields by npm run readme:tables -->`, `<!-- ${name} table: end -->`];
}

/** The README's current copy of a table (between its markers); undefined when the markers are missing. */
export function readmeTable(readme: string, name: TableName): string | undefined {
    const [start, end] = markers(name);
    const from = readme.indexOf(start);
    const to = readme.indexOf(end);
    return from < 0 || to < from ? undefined : readme.slice(from + start.length, to).trim();
}

/** The README with every table regenerated. */
export function withTables(readme: string): string {
    let out = readme;
    for (const name of Object.keys(TABLES) as TableName[]) {
        const [start, end] = markers(name);
        const from = out.indexOf(start);
        const to = out.indexOf(end);
        if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`);
        out = `${out.slice(0, from + start.length)}\n${TABLES[name]()}\n${out.slice(to)}`;
    }
    return out;
}

export function generatedTable(name: TableName): string {
    return TABLES[name]();
}

export function writeTables(file = README): void {
    fs.writeFileSync(file, withTables(fs.readFileSync(file, "utf8")));
}
