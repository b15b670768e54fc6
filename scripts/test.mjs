// Runs every compiled unit test (build/test/**/*.test.js) with node's test runner.
// Why not `node --test build/test/`: Node 20 expands a folder, Node 22+ takes only files or
// globs, and Node 20 has no globs — listing the files works on every version we support.
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const dir = join(root, "build", "test");
const files = readdirSync(dir, { recursive: true })
  .filter((f) => f.endsWith(".test.js"))
  // Only tests whose source still exists: a test moved or deleted in test/ leaves its old
  // compiled copy in build/, which would otherwise run against stale compiled code.
  .filter((f) => existsSync(join(root, "test", f.replace(/\.js$/, ".ts"))))
  .map((f) => relative(root, join(dir, f)))
  .sort();
if (files.length === 0) {
  console.error(`no compiled tests under ${dir}: run "npm run build" first`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files, ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
