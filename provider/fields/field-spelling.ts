import { z } from "zod";
import { schemaOf } from "./field-declaration";
import { CONNECTOR_JOB_FIELDS } from "./connector-job-fields";

// How the program's language spells ConnectorJob's fields. The declarations (and TypeScript and YAML programs) use
// camelCase; a Python program writes snake_case (`kb_id`, `source={"connection_ref": ...}`), which its generated SDK
// maps to camelCase before the provider sees it. A message to the program's author names each field as they wrote it.

export type FieldSpelling = "camelCase" | "snake_case";

/** Every field name at every level (`kbId`, `connectionRef`, `pollIntervalSeconds`) that snake_case spells otherwise. */
function camelCaseNames(schema: z.ZodType, into = new Set<string>()): Set<string> {
    if (schema instanceof z.ZodOptional) return camelCaseNames(schema.unwrap() as z.ZodType, into);
    if (schema instanceof z.ZodUnion) for (const option of schema.options) camelCaseNames(option as z.ZodType, into);
    if (schema instanceof z.ZodObject) {
        for (const [name, field] of Object.entries(schema.shape)) {
            if (/[A-Z]/.test(name)) into.add(name);
            camelCaseNames(field as z.ZodType, into);
        }
    }
    return into;
}

const NAMES = [...camelCaseNames(schemaOf(CONNECTOR_JOB_FIELDS))];
// A field name as a whole word, not a config key (`timbal:orgId` is spelled so in every language).
const NAME_PATTERN = new RegExp(`(?<![\\w:])(${NAMES.join("|")})(?!\\w)`, "g");

export function snakeCase(name: string): string {
    return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The message with each field name spelled as the program spells it. The value a message quotes after "; got " is
 * the user's own and stays as it is.
 */
export function spellFieldsIn(message: string, spelling: FieldSpelling): string {
    if (spelling === "camelCase") return message;
    const quoteAt = message.indexOf("; got ");
    const [prose, quote] = quoteAt < 0 ? [message, ""] : [message.slice(0, quoteAt), message.slice(quoteAt)];
    return prose.replace(NAME_PATTERN, (name) => snakeCase(name)) + quote;
}
