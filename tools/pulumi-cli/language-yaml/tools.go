//go:build tools

// Pins the YAML language host in this module's build list so `go build` can name it, with the current CLI's
// pkg/v3 (../v3.276.0), so that the two share their compiled packages.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
