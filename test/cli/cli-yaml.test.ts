import { pluginParitySuite } from "../../harness/plugin-parity";

// A YAML program through the real CLI and Pulumi's YAML language host, with the package installed from its tarball
// and its `timbal` provider plugin named in Pulumi.yaml, as a YAML user has it: the parity suite (harness/plugin-parity.ts).
pluginParitySuite("yaml");
