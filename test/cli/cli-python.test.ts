import { pluginParitySuite } from "../../harness/plugin-parity";

// A Python program through the real CLI and Pulumi's Python language host, with `pulumi` from PyPI and the
// `pulumi_timbal` wheel pip-installed into a virtualenv, and the plugin the SDK names fetched by `pulumi install` from
// the release page, as a Python user has them: the parity suite (harness/plugin-parity.ts), in Python.
pluginParitySuite("python");
