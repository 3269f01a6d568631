import * as fs from "fs";
import * as path from "path";

// The release's version, written in every place that names it: the npm packages (the provider and its policy pack),
// the plugin's schema, the generated Python and Go SDKs, the README and the examples. `npm run release:version
// <x.y.z>` writes a new one everywhere at once; test/unit/release-version.test.ts checks that they all say
// package.json's. In each file, only the places that name this package's version change: a dependency that happens to
// be at the same version (go.sum has `github.com/kr/pretty v0.1.0`) is left alone.

/** A file that names the version, and where in it: the version is the text between `before` and `after`. */
interface VersionedPlace {
    file: string;
    before: string;
    after: string;
}

/** Every place the version is written, by file: the text around it that says it is this package's. */
export const VERSIONED_PLACES: ReadonlyArray<VersionedPlace> = [
    { file: "package.json", before: '"name": "@timbal/pulumi-connector-jobs",\n  "version": "', after: '"' },
    { file: "package-lock.json", before: '"name": "@timbal/pulumi-connector-jobs",\n  "version": "', after: '"' },
    { file: "package-lock.json", before: '"": {\n      "name": "@timbal/pulumi-connector-jobs",\n      "version": "', after: '"' },
    { file: "policy/package.json", before: '"name": "@timbal/pulumi-connector-jobs-policy",\n  "version": "', after: '"' },
    // The pack runs on the provider it is released with, or a later one.
    { file: "policy/package.json", before: '"@timbal/pulumi-connector-jobs": ">=', after: '"' },
    { file: "plugin/schema.json", before: '"name": "timbal",\n  "displayName": "Timbal connector jobs",\n  "version": "', after: '"' },
    { file: "plugin/schema.json", before: "/releases/download/v", after: '"' },
    { file: "sdk/go/timbal/pulumi-plugin.json", before: '"version": "', after: '"' },
    { file: "sdk/go/timbal/pulumi-plugin.json", before: "/releases/download/v", after: '"' },
    { file: "sdk/go/timbal/internal/pulumiUtilities.go", before: "/releases/download/v", after: '"' },
    { file: "sdk/go/timbal/internal/pulumiUtilities.go", before: 'version := semver.MustParse("', after: '")' },
    { file: "sdk/python/pulumi_timbal/pulumi-plugin.json", before: '"version": "', after: '"' },
    { file: "sdk/python/pulumi_timbal/pulumi-plugin.json", before: "/releases/download/v", after: '"' },
    { file: "sdk/python/pulumi_timbal/_utilities.py", before: "/releases/download/v", after: '"' },
    { file: "sdk/python/pulumi_timbal/_utilities.py", before: 'def get_version():\n    return "', after: '"' },
    { file: "sdk/python/pyproject.toml", before: '\n  version = "', after: '"' },
    { file: "examples/yaml/Pulumi.yaml", before: "source: timbal\n    version: ", after: "\n" },
    { file: "examples/yaml/Pulumi.yaml", before: "/releases/download/v", after: "\n" },
    { file: "examples/python/requirements.txt", before: "./pulumi_timbal-", after: "-py3" },
    { file: "examples/go/go.mod", before: "github.com/timbal-ai/pulumi-timbal/sdk/go v", after: "\n" },
    ...[
        ["timbal-ai/pulumi-timbal/releases/download/v", "`"],
        ["timbal-ai/pulumi-timbal/releases/download/v", "\n"],
        ["timbal-ai/pulumi-timbal/releases/download/v", " "],
        ["pulumi-resource-timbal-v", "-"],
        ["pulumi_timbal-", "-py3"],
        ["pulumi-timbal==", "\n"],
        ["pulumi-timbal==", "`"],
        ["sdk/go/v", "`"],
        ["sdk/go@v", "\n"],
        ["timbal-pulumi-connector-jobs-", ".tgz"],
        ["connector-jobs-policy-", ".tgz"],
        ["source: timbal\n    version: ", "\n"],
        ["`timbal` v", ","],
        ["`timbal` v", ")"],
        ["install resource timbal v", " "],
        ["`timbal: timbal@", "`"],
        ["A release publishes, for version ", " ("],
    ].map(([before, after]) => ({ file: "README.md", before, after })),
];

const VERSION = /^\d+\.\d+\.\d+$/;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const placeRegExp = (place: VersionedPlace) => new RegExp(`(${escape(place.before)})(\\d+\\.\\d+\\.\\d+)(?=${escape(place.after)})`, "g");

/** Each place's versions as written, file by file: `file: before…after → version`. */
export function writtenVersions(root: string): { place: string; version: string }[] {
    return VERSIONED_PLACES.flatMap((place) => {
        const text = fs.readFileSync(path.join(root, place.file), "utf8");
        const found = [...text.matchAll(placeRegExp(place))].map((m) => m[2]);
        const where = `${place.file}: ${JSON.stringify(place.before)}…${JSON.stringify(place.after)}`;
        return found.length > 0 ? found.map((version) => ({ place: where, version })) : [{ place: where, version: "(none)" }];
    });
}

/** Writes `version` in every place (VERSIONED_PLACES) of the repository at `root`; fails, writing nothing, if one is not found. */
export function setVersion(root: string, version: string): void {
    if (!VERSION.test(version)) throw new Error(`${version} is not a version: give one as x.y.z, such as 0.1.1`);
    const missing = writtenVersions(root).filter((written) => written.version === "(none)");
    if (missing.length > 0) throw new Error(`no version found at ${missing.map((m) => m.place).join("; ")}: update release/version.ts`);
    const texts = new Map<string, string>();
    for (const place of VERSIONED_PLACES) {
        const text = texts.get(place.file) ?? fs.readFileSync(path.join(root, place.file), "utf8");
        texts.set(place.file, text.replace(placeRegExp(place), (_all, before: string) => `${before}${version}`));
    }
    for (const [file, text] of texts) fs.writeFileSync(path.join(root, file), text);
}
