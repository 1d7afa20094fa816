// npm run docs — writes docs/rules-reference.md from the schema and the condition cases.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";

mkdirSync("dist", { recursive: true });
await build({ entryPoints: ["scripts/docs/rules-reference.ts"], bundle: true, format: "esm", platform: "node", outfile: "dist/docs.mjs", logLevel: "warning" });
const { rulesReference } = await import(new URL("../dist/docs.mjs", import.meta.url).href);
writeFileSync("docs/rules-reference.md", rulesReference());
console.log("docs/rules-reference.md written");
