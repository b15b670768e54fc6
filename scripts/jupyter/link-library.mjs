// Makes the compiled helper library importable as `tsdl` from any notebook.
//
// Why a link and not a relative import: tslab compiles each cell with rootDir set to the
// notebook's folder and ignores tsconfig.json, so `import ... from "../src/x"` fails with
// "not under rootDir". Declaration files are exempt from that rule, so notebooks import the
// *compiled* library (build/src, with its .d.ts) through node_modules/tsdl — the same files
// the unit tests load.
import { mkdirSync, rmSync, symlinkSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const target = join(root, "build", "src");
const link = join(root, "node_modules", "tsdl");
if (!existsSync(join(target, "index.js"))) {
  console.error(`link-library: ${target}/index.js is missing; run "npm run build" first`);
  process.exit(1);
}
mkdirSync(dirname(link), { recursive: true });
rmSync(link, { recursive: true, force: true });
// "junction" is ignored on POSIX and avoids needing admin rights on Windows.
symlinkSync(relative(dirname(link), target), link, "junction");
