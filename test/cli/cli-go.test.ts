import { pluginParitySuite } from "../../harness/plugin-parity";

// A Go program through the real CLI and Pulumi's Go language host, requiring the SDK module (sdk/go, `replace`d as a Go
// user points at a module on disk), and the plugin the SDK names fetched by `pulumi install` from the release page,
// as a Go user has them: the parity suite (harness/plugin-parity.ts), in Go.
pluginParitySuite("go");
