// Runs the compiled tests (build/test/**/*.test.js and the kernel package's) with node's test runner, by tier:
//   node scripts/test.mjs unit         in-process tests, seconds each (CI: on every Node line)
//   node scripts/test.mjs integration  tests that start the project's programs as processes — the
//                                      kernel, the notebook runner, the site export, the command
//                                      line killed and resumed — seconds to minutes each (CI: once)
//   node scripts/test.mjs [all]        both (`npm test`)
// The rule is the file name: an integration test lives in a file named *.integration.test.ts.
// Extra arguments go to node's test runner (e.g. --test-name-pattern=resume).
// Why not `node --test build/test/`: Node 20 expands a folder, Node 22+ takes only files or
// globs, and Node 20 has no globs — listing the files works on every version we support.
import { existsSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
// A tier's files, and how many run at once when the command line does not say: unit test files
// as many as there are cores (node's default leaves one idle; each file spends much of its time
// starting node and loading tfjs on one thread), integration tests one at a time (they start
// kernels, servers and trainings of their own). `all` runs the unit tier, then the integration tier.
const TIERS = {
  unit: { pick: (f) => !f.endsWith(".integration.test.js"), concurrency: availableParallelism() },
  integration: { pick: (f) => f.endsWith(".integration.test.js"), concurrency: 1 },
};
const args = process.argv.slice(2);
const tier = args[0] && !args[0].startsWith("-") ? args.shift() : "all";
if (tier !== "all" && !Object.hasOwn(TIERS, tier)) {
  console.error(`unknown test tier "${tier}": use one of ${[...Object.keys(TIERS), "all"].join(", ")}`);
  process.exit(2);
}
// The library's tests (test/ → build/test/) and the kernel package's (packages/wasm-kernels/test/ →
// its dist/test/).
const SUITES = [
  { source: join(root, "test"), built: join(root, "build", "test") },
  { source: join(root, "packages", "wasm-kernels", "test"), built: join(root, "packages", "wasm-kernels", "dist", "test") },
];
const compiled = SUITES.flatMap(({ source, built }) =>
  (existsSync(built) ? readdirSync(built, { recursive: true }) : [])
    .filter((f) => f.endsWith(".test.js"))
    // Only tests whose source still exists: a test moved or deleted leaves its old compiled
    // copy behind, which would otherwise run against stale compiled code.
    .filter((f) => existsSync(join(source, f.replace(/\.js$/, ".ts"))))
    .map((f) => relative(root, join(built, f))),
).sort();
if (compiled.length === 0) {
  console.error(`no compiled tests under ${SUITES.map((s) => relative(root, s.built)).join(" or ")}: run "npm run build" first`);
  process.exit(1);
}
let status = 0;
for (const name of tier === "all" ? Object.keys(TIERS) : [tier]) {
  const { pick, concurrency } = TIERS[name];
  const files = compiled.filter(pick);
  console.log(`${name} tests: ${files.length} files on Node ${process.version}`);
  const told = args.some((a) => a.startsWith("--test-concurrency"));
  const r = spawnSync(
    process.execPath,
    ["--test", "--test-reporter=spec", ...(told ? [] : [`--test-concurrency=${concurrency}`]), ...args, ...files],
    { cwd: root, stdio: "inherit" },
  );
  status ||= r.status ?? 1;
}
process.exit(status);
