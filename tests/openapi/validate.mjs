// Validates an OpenAPI document (kimflowd's src/kimflowd/openapi.json) with
// @apidevtools/swagger-parser: the OpenAPI 3.0 schema, the references, and the rules the parser
// checks beyond the schema. A few checks of kimflowd's own follow (3.0.x, unique operationIds, a
// description on every operation).
//
//   node tests/openapi/validate.mjs src/kimflowd/openapi.json
//
// Exit code 0 with a one-line summary if it is valid; 1 with the error if it is not, or if the
// validator is not installed (`npm ci --prefix tests/openapi`): never a silent pass.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function fail(message) {
    console.error(`validate.mjs: ${message}`);
    process.exit(1);
}

const file = process.argv[2];
if (!file || process.argv.length > 3) fail("usage: node tests/openapi/validate.mjs OPENAPI.json");

// The validator must be the one installed beside this script from package-lock.json; a copy
// found elsewhere on the module path does not count.
const parserDir = join(here, "node_modules", "@apidevtools", "swagger-parser");
if (!existsSync(join(parserDir, "package.json")))
    fail(`@apidevtools/swagger-parser is not installed in ${join(here, "node_modules")}; ` +
         "run `npm ci --prefix tests/openapi` (from the checkout's root) and run this again");
let SwaggerParser;
try {
    SwaggerParser = createRequire(join(here, "package.json"))(parserDir);
} catch (e) {
    fail(`cannot load @apidevtools/swagger-parser (${e.message}); run \`npm ci --prefix tests/openapi\` again`);
}

let text, doc;
try {
    text = readFileSync(file, "utf8");
} catch (e) {
    fail(`cannot read ${file}: ${e.message}`);
}
try {
    // JSON, not YAML: the parser would read some broken JSON as YAML.
    doc = JSON.parse(text);
} catch (e) {
    fail(`${file} is not JSON: ${e.message}`);
}

if (typeof doc.openapi !== "string" || !/^3\.0\.\d+$/.test(doc.openapi))
    fail(`${file}: "openapi" is ${JSON.stringify(doc.openapi)}; kimflowd's document is OpenAPI 3.0.x`);

try {
    // validate() dereferences the object it is given: give it a copy.
    await SwaggerParser.validate(structuredClone(doc));
} catch (e) {
    fail(`${file} is not a valid OpenAPI document:\n${e.message}`);
}

// A local reference (#/components/…) resolved; anything else as it is.
function resolve(node) {
    while (node && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
        node = node.$ref.slice(2).split("/")
            .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
            .reduce((at, part) => (at === undefined ? undefined : at[part]), doc);
    }
    return node;
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const problems = [];
const ids = new Map();
let operations = 0;
for (const [path, item] of Object.entries(doc.paths ?? {})) {
    // The parser checks path parameters for Swagger 2 only: every {name} of the template must be
    // a declared path parameter of each operation, and every declared one must be in the template.
    const template = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    for (const method of methods) {
        const op = item[method];
        if (!op) continue;
        ++operations;
        const where = `${method.toUpperCase()} ${path}`;
        const declared = [...(item.parameters ?? []), ...(op.parameters ?? [])]
            .map(resolve).filter((p) => p && p.in === "path").map((p) => p.name);
        const unique = [...new Set(declared)].sort();
        if (JSON.stringify(unique) !== JSON.stringify(template))
            problems.push(`${where} declares the path parameters [${unique.join(", ")}], its path has [${template.join(", ")}]`);
        if (!op.operationId) problems.push(`${where} has no operationId`);
        else if (ids.has(op.operationId)) problems.push(`${where} and ${ids.get(op.operationId)} share operationId ${op.operationId}`);
        else ids.set(op.operationId, where);
        if (!op.description || !op.description.trim()) problems.push(`${where} has no description`);
    }
}
if (operations === 0) problems.push("it documents no operation");
if (problems.length > 0) fail(`${file}:\n  ${problems.join("\n  ")}`);

const paths = Object.keys(doc.paths).length;
console.log(`${file}: valid OpenAPI ${doc.openapi}, ${paths} paths, ${operations} operations`);
