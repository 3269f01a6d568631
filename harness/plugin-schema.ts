import * as fs from "fs";
import * as path from "path";
import { pluginSchema } from "../provider/plugin/schema";
import { packageVersion } from "./plugin-artifact";
import { REPO_ROOT } from "./repo-root";

// plugin/schema.json, the provider plugin's package schema, as the field declarations generate it.

export const PLUGIN_SCHEMA_FILE = path.join(REPO_ROOT, "plugin", "schema.json");

/** The schema's text at the package's version, as the file holds it. */
export function pluginSchemaText(): string {
    const version = packageVersion();
    return `${JSON.stringify(pluginSchema(version), null, 2)}\n`;
}

export function writePluginSchema(): void {
    fs.writeFileSync(PLUGIN_SCHEMA_FILE, pluginSchemaText());
}
