import { z } from "zod";
import { schemaOf } from "./field-declaration";
import { CONNECTOR_JOB_FIELDS } from "./connector-job-fields";

// How the program's language spells ConnectorJob's fields. The declarations (and TypeScript and YAML programs) use
// camelCase; a Python program writes snake_case (`kb_id`, `source={"connection_ref": ...}`) and a Go program
// PascalCase (`KbId`, `Source: timbal.ConnectorJobSourceArgs{ConnectionRef: ...}`), which their generated SDKs map to
// camelCase before the provider sees it. A message to the program's author names each field as they wrote it.

export type FieldSpelling = "camelCase" | "snake_case" | "PascalCase";

/** Every field name at every level (`kbId`, `source`, `connectionRef`, `pollIntervalSeconds`). */
function fieldNames(schema: z.ZodType, into = new Set<string>()): Set<string> {
    if (schema instanceof z.ZodOptional) return fieldNames(schema.unwrap() as z.ZodType, into);
    if (schema instanceof z.ZodUnion) for (const option of schema.options) fieldNames(option as z.ZodType, into);
    if (schema instanceof z.ZodObject) {
        for (const [name, field] of Object.entries(schema.shape)) {
            into.add(name);
            fieldNames(field as z.ZodType, into);
        }
    }
    return into;
}

const NAMES = fieldNames(schemaOf(CONNECTOR_JOB_FIELDS));
// A dotted path of words (`kbId`, `source.cursorColumn`, `waitForCompletion.timeout`), not a config key
// (`timbal:orgId` is spelled so in every language), with the colon that may follow it.
const PATH_PATTERN = /(?<![\w:.])([A-Za-z]\w*(?:\.[A-Za-z]\w*)*)(:?)/g;

export function snakeCase(name: string): string {
    return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

export function pascalCase(name: string): string {
    return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * A path as the spelling writes it: each of its names that is a field's (a name that is not, such as a misspelt
 * one, stays as written). A one-word name (`source`, `mode`) is also a word of prose: alone, it is respelt only where
 * it is surely a field: in backticks, or naming the subject of a message (`source: is required`, at its start or
 * after `; `).
 */
function respell(path: string, colon: string, at: number, message: string, spelling: FieldSpelling): string {
    const names = path.split(".");
    if (!names.some((name) => NAMES.has(name))) return path + colon;
    const inBackticks = message[at - 1] === "`" && message[at + path.length] === "`";
    const subject = colon !== "" && (at === 0 || /(; |\n)$/.test(message.slice(0, at)));
    if (names.length === 1 && !/[A-Z]/.test(path) && !inBackticks && !subject) return path + colon;
    const spell = spelling === "snake_case" ? snakeCase : pascalCase;
    return names.map((name) => (NAMES.has(name) ? spell(name) : name)).join(".") + colon;
}

/**
 * The message with each field name spelled as the program spells it. The value a message quotes after "; got " is
 * the user's own and stays as it is.
 */
export function spellFieldsIn(message: string, spelling: FieldSpelling): string {
    if (spelling === "camelCase") return message;
    const quoteAt = message.indexOf("; got ");
    const [prose, quote] = quoteAt < 0 ? [message, ""] : [message.slice(0, quoteAt), message.slice(quoteAt)];
    return prose.replace(PATH_PATTERN, (_match, path: string, colon: string, at: number) => respell(path, colon, at, prose, spelling)) + quote;
}
