import { pluginParitySuite } from "../../harness/plugin-parity";

// A Python program through the real CLI and Pulumi's Python language host, with `pulumi` from PyPI and the generated
// `pulumi_timbal` SDK pip-installed into a virtualenv, and the npm package (whose plugin runs the jobs) installed from
// its tarball, as a Python user has them: the parity suite (harness/plugin-parity.ts), in Python.
pluginParitySuite("python");
