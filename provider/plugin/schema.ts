import { z } from "zod";
import { CONFIG_DOCS } from "../lifecycle/settings";
import { jobViewSchema } from "../api/wire";
import type { Fields } from "../fields/field-declaration";
import { CONNECTOR_JOB_FIELDS } from "../fields/connector-job-fields";
import { STATUS_FIELDS } from "../fields/status-fields";
import { OBJECT_TYPES, PACKAGE, pluginType } from "../fields/type-tokens";
import { typeSpec, type PulumiTypeSpec } from "../fields/validators";
import { GO_IMPORT_PATH, pluginDownloadUrl, REPOSITORY } from "./release";

// The provider plugin's Pulumi package schema (plugin/schema.json), generated from the field declarations: each
// input's type, doc, default and whether it is required; each status output's type from the API's job view. YAML
// programs type-check against it, and SDKs are generated from it. `npm run plugin:schema` writes it; a test fails
// when the committed file is stale.

interface PropertySpec {
    description: string;
    default?: string | number | boolean;
    secret?: true;
    type?: string;
    items?: PulumiTypeSpec;
    additionalProperties?: PulumiTypeSpec;
    $ref?: string;
    oneOf?: PulumiTypeSpec[];
}

interface ObjectSpec {
    properties: Record<string, PropertySpec>;
    required: string[];
}

/** A doc as a schema carries it: the README's own links (`[text](#anchor)`) become their text. */
function plainDoc(doc: string): string {
    return doc.replace(/\[([^\]]+)\]\(#[^)]+\)/g, "$1");
}

function isOptional(schema: z.ZodType): boolean {
    return schema.safeParse(undefined).success;
}

/** The inputs a program passes (those filled in from settings are not), with the named object types they use. */
function inputsOf(fields: Fields, types: Record<string, ObjectSpec & { description: string }>): ObjectSpec {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const [name, declared] of Object.entries(fields)) {
        if (declared.kind === "field" && declared.from === "settings") continue;
        if (declared.kind === "group") {
            const token = OBJECT_TYPES[name as keyof typeof OBJECT_TYPES];
            types[token] = { description: plainDoc(declared.doc), ...inputsOf(declared.fields, types) };
            properties[name] = { $ref: `#/types/${token}`, description: plainDoc(declared.doc) };
            if (!declared.optional) required.push(name);
            continue;
        }
        const spec = typeSpec(declared.schema);
        if ("oneOf" in spec) for (const ref of spec.oneOf) if ("$ref" in ref) settingsObjectType(declared.schema, ref.$ref, types);
        properties[name] = { ...spec, description: plainDoc(declared.doc) };
        if (declared.default?.value !== undefined) properties[name].default = declared.default.value as string | number | boolean;
        if (!isOptional(declared.schema)) required.push(name);
    }
    return { properties, required };
}

/** The object of a `switchOrSettings` field (`waitForCompletion`), a named type whose properties carry their docs. */
function settingsObjectType(schema: z.ZodType, ref: string, types: Record<string, ObjectSpec & { description: string }>): void {
    const union = (schema instanceof z.ZodOptional ? schema.unwrap() : schema) as z.ZodUnion<z.ZodType[]>;
    const object = union.options.find((option): option is z.ZodObject => option instanceof z.ZodObject);
    if (!object) throw new Error(`${ref}: a switchOrSettings schema without its object`);
    const properties = Object.fromEntries(
        Object.entries(object.shape).map(([name, field]) => [name, { ...typeSpec(field as z.ZodType), description: (field as z.ZodType).description ?? name }]),
    );
    types[ref.replace("#/types/", "")] = { description: "how long to wait, and how often to poll", properties, required: [] };
}

/** The status outputs, typed as the API's job view has them; those the API never reports as null are required. */
function statusOutputs(): ObjectSpec {
    const properties: Record<string, PropertySpec> = {};
    const required: string[] = [];
    for (const [name, declared] of Object.entries(STATUS_FIELDS)) {
        const json = z.toJSONSchema(jobViewSchema.shape[declared.listedAs], { io: "output" }) as { type: string | string[] };
        const types = [json.type].flat();
        properties[name] = { type: types.find((type) => type !== "null"), description: declared.doc };
        if (!types.includes("null")) required.push(name);
    }
    return { properties, required };
}

function resource(description: string, fields: Fields, types: Record<string, ObjectSpec & { description: string }>, resolvedOutputs: Record<string, PropertySpec>) {
    const inputs = inputsOf(fields, types);
    const status = statusOutputs();
    return {
        description,
        inputProperties: inputs.properties,
        requiredInputs: inputs.required,
        properties: { ...inputs.properties, ...resolvedOutputs, ...status.properties },
        required: [...inputs.required, ...Object.keys(resolvedOutputs), ...status.required],
    };
}

/** The package schema of the `timbal` plugin, at the package's version. */
export function pluginSchema(version: string) {
    const types: Record<string, ObjectSpec & { description: string }> = {};
    const config = Object.fromEntries(
        Object.entries(CONFIG_DOCS).map(([name, { doc, secret }]) => [name, { type: "string", description: doc, ...(secret ? { secret } : {}) }]),
    );
    const resolvedOutputs = {
        jobId: { type: "string", description: "the id of the job in Timbal (the job's resource id in the stack's state)" },
        orgId: { type: "string", description: "the org the job was dispatched in" },
        baseUrl: { type: "string", description: plainDoc(CONNECTOR_JOB_FIELDS.baseUrl.doc) },
    };
    const resources = {
        // A component to the languages (they register it remotely, and the plugin's Construct registers the job and
        // the child that waits: provider/plugin/construct.ts), so it has no `id` of its own: `jobId` is the job's.
        [pluginType("connectorJob")]: {
            isComponent: true,
            ...resource(
                "A Timbal connector extraction job. Creating it dispatches the job once, and with waitForCompletion waits for it to " +
                    "finish in a child ConnectorJobCompletion, once the job's id is recorded; refresh reads its progress from the job " +
                    "list; a change to what it extracts dispatches a new job; deleting it forgets the job (Timbal cannot cancel).",
                CONNECTOR_JOB_FIELDS,
                types,
                resolvedOutputs,
            ),
        },
    };
    return {
        name: PACKAGE,
        displayName: "Timbal connector jobs",
        version,
        description: "Timbal connector extraction jobs: dispatch, track and wait for the extractions that load Timbal knowledge bases",
        license: "Apache-2.0",
        config: { variables: config },
        provider: { description: "The Timbal provider: where jobs are dispatched, and with which key", inputProperties: config },
        resources,
        types: Object.fromEntries(Object.entries(types).map(([token, spec]) => [token, { type: "object", ...spec }])),
        repository: REPOSITORY,
        // Where `pulumi install` and `pulumi up` fetch the plugin a program's SDK names (the release's tarballs).
        pluginDownloadURL: pluginDownloadUrl(version),
        // The SDKs are generated as packages of their own: the Python one with its pyproject.toml, the Go one a module
        // (sdk/go/go.mod).
        meta: { supportPack: true },
        // Each SDK (sdk/python, sdk/go) carries the package's version (respectSchemaVersion), so its default provider
        // is this plugin's version.
        language: {
            nodejs: { packageName: "@timbal/pulumi-timbal", respectSchemaVersion: true },
            python: { packageName: "pulumi_timbal", respectSchemaVersion: true, pyproject: { enabled: true } },
            go: { importBasePath: GO_IMPORT_PATH, respectSchemaVersion: true, generateResourceContainerTypes: false },
        },
    };
}
