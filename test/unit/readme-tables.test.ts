import * as assert from "assert";
import * as fs from "fs";
import { generatedTable, README, readmeTable, type TableName } from "../../harness/readme-tables";

// The README's input and output tables are generated from the field declarations: a declaration changed without
// `npm run readme:tables` fails here.

describe("the README's field tables", function () {
    const readme = fs.readFileSync(README, "utf8");
    for (const name of ["inputs", "outputs"] satisfies TableName[]) {
        it(`the ${name} table is the one the declarations generate`, function () {
            const current = readmeTable(readme, name);
            assert.ok(current !== undefined, `README.md has no markers for the ${name} table`);
            assert.strictEqual(current, generatedTable(name), `the README's ${name} table is stale: run npm run readme:tables`);
        });
    }
});
