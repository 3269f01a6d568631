import { pluginTarball, pythonWheel } from "../harness/release-artifacts";

// npm run release: what a release publishes, built into build/: the plugin's tarball (build/plugin/) and the Python
// SDK's wheel (build/python/). The Go SDK is the module in sdk/go.
pluginTarball().then(
    (tarball) => {
        console.log(tarball);
        console.log(pythonWheel());
    },
    (error) => {
        console.error(error);
        process.exit(1);
    },
);
