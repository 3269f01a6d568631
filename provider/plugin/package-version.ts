import * as fs from "fs";
import * as path from "path";

/** The package's version: the plugin's, and its schema's (the self-contained plugin's bundle has it built in). */
export function packageVersion(): string {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8")).version;
}
