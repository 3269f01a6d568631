#!/usr/bin/env node
// The timbal plugin as an executable (npm links it as node_modules/.bin/pulumi-resource-timbal), for Pulumi commands
// that take a plugin's executable: `pulumi package add ./node_modules/.bin/pulumi-resource-timbal`.
require("./index.js");
