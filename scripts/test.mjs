// Runs every compiled unit test (build/test/**/*.test.js) with node's test runner.
// Why not `node --test build/test/`: Node 20 expands a folder, Node 22+ takes only files or
// globs, and Node 20 has no globs — listing the files works on every version we support.
import { existsSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
// --skip-folders a,b leaves out test/a/ and test/b/ (CI's extra Node versions skip the kernel and
// runner tests: those run the project's kernel, which the kernelspec pins to the Node that built it).
const args = process.argv.slice(2);
const skipAt = args.indexOf("--skip-folders");
const skip = skipAt < 0 ? [] : args.splice(skipAt, 2)[1]?.split(",").filter(Boolean) ?? [];
if (skipAt >= 0 && skip.length === 0) {
  console.error("--skip-folders needs a comma-separated list of folders under test/, e.g. kernel,runner");
  process.exit(2);
}
for (const folder of skip) {
  if (!existsSync(join(root, "test", folder))) {
    console.error(`--skip-folders: there is no test/${folder}/`);
    process.exit(2);
  }
}
const dir = join(root, "build", "test");
const files = readdirSync(dir, { recursive: true })
  .filter((f) => f.endsWith(".test.js"))
  // Only tests whose source still exists: a test moved or deleted in test/ leaves its old
  // compiled copy in build/, which would otherwise run against stale compiled code.
  .filter((f) => existsSync(join(root, "test", f.replace(/\.js$/, ".ts"))))
  .filter((f) => !skip.some((folder) => f.startsWith(folder + sep)))
  .map((f) => relative(root, join(dir, f)))
  .sort();
if (files.length === 0) {
  console.error(`no compiled tests under ${dir}: run "npm run build" first`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files, ...args], {
  cwd: root,
  stdio: "inherit",
});
process.exit(r.status ?? 1);
