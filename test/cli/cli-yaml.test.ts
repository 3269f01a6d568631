import { pluginParitySuite } from "../../harness/plugin-parity";

// A YAML program through the real CLI and Pulumi's YAML language host, the `timbal` plugin named in Pulumi.yaml's
// `packages` and fetched by `pulumi install` from the release page, as a YAML user has it: the parity suite
// (harness/plugin-parity.ts).
pluginParitySuite("yaml");
