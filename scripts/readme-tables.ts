import { README, writeTables } from "../harness/readme-tables";

// npm run readme:tables: rewrites the README's input and output tables from the field declarations.
writeTables();
console.log(`rewrote the input and output tables of ${README}`);
