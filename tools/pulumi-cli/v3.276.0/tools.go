//go:build tools

// Pins cmd/pulumi in this module's build list so `go build` can name it.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
