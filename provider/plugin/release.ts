// Where the package is published, as its SDKs name it: the repository, the release page of a version that serves the
// plugin's tarballs (`pulumi-resource-timbal-v<version>-<os>-<arch>.tar.gz`), and the Go SDK's import path (a module in
// the repository's sdk/go folder). The release page is spelt with its version rather than Pulumi's `${VERSION}`:
// `pulumi import` writes the URL into the code it generates, where `${...}` reads as an interpolation and fails.

export const REPOSITORY = "https://github.com/timbal-ai/pulumi-timbal";
export const GO_IMPORT_PATH = "github.com/timbal-ai/pulumi-timbal/sdk/go/timbal";

export function pluginDownloadUrl(version: string): string {
    return `${REPOSITORY}/releases/download/v${version}`;
}
