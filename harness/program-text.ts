import { pascalCase, snakeCase } from "../provider/fields/field-spelling";
import { pluginSchema } from "../provider/plugin/schema";
import { GO_IMPORT_PATH } from "../provider/plugin/release";

// One stack of ConnectorJobs, described once, written as a TypeScript, YAML, Python or Go program: what the suites
// that compare languages deploy. TypeScript and YAML name fields as the declarations do; Python in snake_case and Go
// in PascalCase, nested typed objects (`source`, `pacing`, `waitForCompletion`) included, while the free-form ones
// (`triggers`, `cursor`) keep their keys as written, as the generated SDKs do. Go's values take the SDK's types,
// read from the plugin's schema.

export type Language = "typescript" | "yaml" | "python" | "go";

/** A value read from the stack's config as a secret (the explicit provider's key). */
export interface SecretConfig {
    secretConfig: string;
}

export interface JobDeclaration {
    name: string;
    /** Its inputs; in YAML and Python, a SecretConfig anywhere among them reads that secret from the stack's config. */
    args: Record<string, unknown>;
    /** The job (by name) this one depends on. */
    dependsOn?: string;
    /** The explicit provider (by name) this one uses. */
    provider?: string;
    /** Outputs the program marks secret (`additionalSecretOutputs`), by their names in the engine (camelCase). */
    secretOutputs?: string[];
}

export interface StackProgram {
    /** Explicit `timbal` providers, by name, with their settings (a SecretConfig for a secret). */
    providers?: Record<string, Record<string, unknown>>;
    jobs: JobDeclaration[];
    /** Stack outputs: name → [job name, output field in the declarations' spelling]. */
    outputs?: Record<string, [string, string]>;
}

const TYPED_OBJECTS = ["source", "pacing", "waitForCompletion"];

const isSecretConfig = (value: unknown): value is SecretConfig => typeof value === "object" && value !== null && "secretConfig" in value;

/** The JSON of the program's values, without the undefined ones. */
const plain = (args: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(args));

/** The secret config values a value reads, at any depth. */
function secretsIn(value: unknown): string[] {
    if (isSecretConfig(value)) return [value.secretConfig];
    if (typeof value !== "object" || value === null) return [];
    return Object.values(value).flatMap(secretsIn);
}

function secretNames(program: StackProgram): string[] {
    const values = [...Object.values(program.providers ?? {}), ...program.jobs.map((job) => job.args)];
    return [...new Set(values.flatMap(secretsIn))];
}

export function programIn(language: Language, program: StackProgram): string {
    return { typescript: typescriptProgram, yaml: yamlProgram, python: pythonProgram, go: goProgram }[language](program);
}

/** The dynamic provider's program (no explicit providers: its jobs name their settings themselves). */
function typescriptProgram(program: StackProgram): string {
    if (program.providers || program.jobs.some((job) => job.provider)) throw new Error("a TypeScript program declares no explicit timbal provider");
    const lines = ['import { ConnectorJob } from "@timbal/pulumi-connector-jobs";', "const jobs: Record<string, ConnectorJob> = {};"];
    for (const job of program.jobs) {
        const options = [
            job.dependsOn && `dependsOn: [jobs[${JSON.stringify(job.dependsOn)}]]`,
            job.secretOutputs && `additionalSecretOutputs: ${JSON.stringify(job.secretOutputs)}`,
        ].filter(Boolean);
        const opts = options.length ? `, { ${options.join(", ")} }` : "";
        lines.push(`jobs[${JSON.stringify(job.name)}] = new ConnectorJob(${JSON.stringify(job.name)}, ${JSON.stringify(plain(job.args))}${opts});`);
    }
    for (const [name, [job, output]] of Object.entries(program.outputs ?? {})) lines.push(`export const ${name} = jobs[${JSON.stringify(job)}].${output};`);
    return `${lines.join("\n")}\n`;
}

function yamlProgram(program: StackProgram): string {
    const value = (v: unknown) => (isSecretConfig(v) ? JSON.stringify(`\${${v.secretConfig}}`) : JSON.stringify(v));
    const secrets = secretNames(program).map((name) => `  ${name}:\n    type: string\n    secret: true\n`);
    const resources: string[] = [];
    for (const [name, args] of Object.entries(program.providers ?? {})) {
        const fields = Object.entries(args).map(([key, v]) => `${key}: ${value(v)}`);
        resources.push(`  ${name}:\n    type: pulumi:providers:timbal\n    properties: { ${fields.join(", ")} }\n`);
    }
    for (const job of program.jobs) {
        const options = [
            job.dependsOn && `      dependsOn: ["\${${job.dependsOn}}"]\n`,
            job.provider && `      provider: \${${job.provider}}\n`,
            job.secretOutputs && `      additionalSecretOutputs: ${JSON.stringify(job.secretOutputs)}\n`,
        ].filter(Boolean);
        const properties = JSON.stringify(plain(job.args), (_key, v) => (isSecretConfig(v) ? `\${${v.secretConfig}}` : v));
        resources.push(`  ${job.name}:\n    type: timbal:index:ConnectorJob\n    properties: ${properties}\n${options.length ? `    options:\n${options.join("")}` : ""}`);
    }
    const outputs = Object.entries(program.outputs ?? {}).map(([name, [job, output]]) => `  ${name}: \${${job}.${output}}\n`);
    return [secrets.length ? `config:\n${secrets.join("")}` : "", `resources:\n${resources.join("")}`, outputs.length ? `outputs:\n${outputs.join("")}` : ""].join("");
}

/** A value as Python source; `typedKeys`: the keys of one of the SDK's typed objects, in snake_case. */
function pythonValue(value: unknown, typedKeys = false): string {
    if (isSecretConfig(value)) return `config.require_secret(${JSON.stringify(value.secretConfig)})`;
    if (value === null) return "None";
    if (typeof value === "boolean") return value ? "True" : "False";
    if (typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map((item) => pythonValue(item)).join(", ")}]`;
    const entries = Object.entries(value).map(([key, v]) => `${JSON.stringify(typedKeys ? snakeCase(key) : key)}: ${pythonValue(v)}`);
    return `{${entries.join(", ")}}`;
}

function pythonProgram(program: StackProgram): string {
    const kwargs = (args: Record<string, unknown>) => Object.entries(args).map(([key, v]) => `${snakeCase(key)}=${pythonValue(v, TYPED_OBJECTS.includes(key))}`);
    const lines = ["import pulumi", "import pulumi_timbal as timbal", "", "config = pulumi.Config()", "providers = {}", "jobs = {}"];
    for (const [name, args] of Object.entries(program.providers ?? {})) {
        lines.push(`providers[${JSON.stringify(name)}] = timbal.Provider(${[JSON.stringify(name), ...kwargs(args)].join(", ")})`);
    }
    for (const job of program.jobs) {
        const options = [
            job.dependsOn && `depends_on=[jobs[${JSON.stringify(job.dependsOn)}]]`,
            job.provider && `provider=providers[${JSON.stringify(job.provider)}]`,
            job.secretOutputs && `additional_secret_outputs=${JSON.stringify(job.secretOutputs)}`,
        ].filter(Boolean);
        const opts = options.length ? [`opts=pulumi.ResourceOptions(${options.join(", ")})`] : [];
        lines.push(`jobs[${JSON.stringify(job.name)}] = timbal.ConnectorJob(${[JSON.stringify(job.name), ...kwargs(plain(job.args)), ...opts].join(", ")})`);
    }
    for (const [name, [job, output]] of Object.entries(program.outputs ?? {})) lines.push(`pulumi.export(${JSON.stringify(name)}, jobs[${JSON.stringify(job)}].${snakeCase(output)})`);
    return `${lines.join("\n")}\n`;
}

type PropertySpec = { type?: string; $ref?: string; oneOf?: PropertySpec[]; items?: PropertySpec };
type ObjectSpec = { properties: Record<string, PropertySpec>; required?: string[] };

const SCHEMA = pluginSchema("0.0.0") as unknown as { resources: Record<string, { inputProperties: Record<string, PropertySpec>; requiredInputs: string[] }>; types: Record<string, ObjectSpec>; provider: { inputProperties: Record<string, PropertySpec> } };
const GO_SCALARS: Record<string, string> = { string: "String", integer: "Int", number: "Float64", boolean: "Bool" };

/** A free-form value (`triggers`, `cursor`, a `oneOf`) as Go source: pulumi.Map, pulumi.Array, or a scalar input. */
function goAny(value: unknown): string {
    if (isSecretConfig(value)) return `cfg.RequireSecret(${JSON.stringify(value.secretConfig)})`;
    if (Array.isArray(value)) return `pulumi.Array{${value.map(goAny).join(", ")}}`;
    if (typeof value === "object" && value !== null) return `pulumi.Map{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${goAny(v)}`).join(", ")}}`;
    if (typeof value === "number") return Number.isInteger(value) ? `pulumi.Int(${value})` : `pulumi.Float64(${value})`;
    return typeof value === "boolean" ? `pulumi.Bool(${value})` : `pulumi.String(${JSON.stringify(value)})`;
}

/** A value of a schema property as Go source; `required`: the SDK's input is not a pointer. */
function goValue(spec: PropertySpec, value: unknown, required: boolean): string {
    if (isSecretConfig(value)) return `cfg.RequireSecret(${JSON.stringify(value.secretConfig)})`;
    if (spec.$ref?.startsWith("#/types/")) return goObject(spec.$ref.slice("#/types/".length), value as Record<string, unknown>, required);
    if (spec.oneOf) {
        const object = spec.oneOf.find((option) => option.$ref);
        return typeof value === "object" && object ? goObject(object.$ref!.slice("#/types/".length), value as Record<string, unknown>, true) : goAny(value);
    }
    if (spec.type === "array") return `pulumi.${GO_SCALARS[spec.items!.type!]}Array{${(value as unknown[]).map((item) => goValue(spec.items!, item, true)).join(", ")}}`;
    const scalar = spec.type && GO_SCALARS[spec.type];
    if (!scalar) return goAny(value);
    return `pulumi.${scalar}${required ? "" : "Ptr"}(${JSON.stringify(value)})`;
}

/** An object of the schema's `token` type as its SDK's Args struct. */
function goObject(token: string, value: Record<string, unknown>, required: boolean): string {
    const type = SCHEMA.types[token];
    return `${required ? "" : "&"}timbal.${token.split(":").pop()}Args{${goFields(type.properties, type.required ?? [], value)}}`;
}

function goFields(properties: Record<string, PropertySpec>, required: string[], values: Record<string, unknown>): string {
    return Object.entries(values)
        .map(([name, value]) => {
            const spec = properties[name];
            // A field the schema does not have (a test's misspelling) is written as it is: Go's compiler names it.
            return `${pascalCase(name)}: ${spec ? goValue(spec, value, required.includes(name)) : goAny(value)}`;
        })
        .join(", ");
}

function goProgram(program: StackProgram): string {
    const job = SCHEMA.resources["timbal:index:ConnectorJob"];
    const lines = [
        "package main",
        "",
        "import (",
        '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"',
        '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"',
        `\t"${GO_IMPORT_PATH}"`,
        ")",
        "",
        "func main() {",
        "\tpulumi.Run(func(ctx *pulumi.Context) error {",
        '\t\tcfg := config.New(ctx, "")',
        "\t\t_ = cfg",
        "\t\tproviders := map[string]*timbal.Provider{}",
        "\t\tjobs := map[string]*timbal.ConnectorJob{}",
        "\t\t_ = providers",
        "\t\tvar err error",
    ];
    const check = "\t\tif err != nil {\n\t\t\treturn err\n\t\t}";
    for (const [name, args] of Object.entries(program.providers ?? {})) {
        lines.push(`\t\tproviders[${JSON.stringify(name)}], err = timbal.NewProvider(ctx, ${JSON.stringify(name)}, &timbal.ProviderArgs{${goFields(SCHEMA.provider.inputProperties, [], args)}})`, check);
    }
    for (const declared of program.jobs) {
        const options = [
            declared.dependsOn && `pulumi.DependsOn([]pulumi.Resource{jobs[${JSON.stringify(declared.dependsOn)}]})`,
            declared.provider && `pulumi.Provider(providers[${JSON.stringify(declared.provider)}])`,
            declared.secretOutputs && `pulumi.AdditionalSecretOutputs([]string{${declared.secretOutputs.map((name) => JSON.stringify(name)).join(", ")}})`,
        ].filter(Boolean);
        const args = `&timbal.ConnectorJobArgs{${goFields(job.inputProperties, job.requiredInputs, plain(declared.args))}}`;
        lines.push(`\t\tjobs[${JSON.stringify(declared.name)}], err = timbal.NewConnectorJob(${[`ctx, ${JSON.stringify(declared.name)}`, args, ...options].join(", ")})`, check);
    }
    for (const [name, [declared, output]] of Object.entries(program.outputs ?? {})) lines.push(`\t\tctx.Export(${JSON.stringify(name)}, jobs[${JSON.stringify(declared)}].${pascalCase(output)})`);
    lines.push("\t\treturn nil", "\t})", "}");
    return `${lines.join("\n")}\n`;
}
