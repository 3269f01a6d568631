// The timbal provider plugin, run by the Pulumi CLI through the Node.js language host (PulumiPlugin.yaml). The code
// is the package's compiled provider (npm run build): see provider/plugin/.
require("../dist/provider/plugin/main").main(process.argv.slice(2));
