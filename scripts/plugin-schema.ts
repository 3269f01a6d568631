import { writePluginSchema } from "../harness/plugin-schema";

// npm run plugin:schema: rewrites plugin/schema.json from the field declarations.
writePluginSchema();
