// `npm run export`: the executed lessons (out/, from `npm run lessons`) → a static, offline site
// in site/: index.html (course title, the lessons in order with summary and run time, backend,
// profile, date) and one page per lesson with prev / index / next links.
//
//   npm run export -- [--out DIR] [--site DIR]     (node build/scripts/site/export.js, after npm run build)
//
// Pages are rendered by nbconvert (scripts/site/render_pages.py, template scripts/site/templates/
// tsdl-lesson). Nothing on a page reaches outside the site: plotly.js, the JupyterLab CSS and
// KaTeX's CSS and fonts are shared files in site/assets/, math is rendered here with KaTeX, and
// nbconvert's require.js / MathJax / widget scripts are left out. The helpers are the modules
// beside this one (scripts/site/*.ts).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { defaultMnistDir, projectRoot } from "../../src/data/paths";
import { copyDemoAssets, embedDemos, type EmbeddedDemo } from "./demo";
import { addToHead, escapeHtml, externalReferences } from "./html";
import { indexPageHtml } from "./index-page";
import { inlineMarkdownToText } from "./inline-markdown";
import { lessonIntro } from "./lesson-intro";
import { katexAssets, renderMathMarks, texToHtml } from "./math";
import { addToBodyEnd, plotlyLoaderHtml, setLang, wrapTables } from "./page";
import { copyRunnerAssets, runControlsHtml } from "./runner-assets";
import { pageName, parseRunSummary } from "./summary";

/** What scripts/jupyter/jupyter-env.mjs offers: an ES module shared with the .mjs scripts (Node ≥ 20.19 requires it). */
interface JupyterEnv {
  readonly root: string;
  readonly INSTALL_HINT: string;
  findPython(modules?: readonly string[], check?: string): string | null;
}
const { findPython, INSTALL_HINT, root } = require(join(projectRoot(), "scripts", "jupyter", "jupyter-env.mjs")) as JupyterEnv;

const COURSE_TITLE = "Convolutional networks in TypeScript";
const ASSETS = "assets";
const LANG = "en"; // the lessons' language, on every page's <html> (the index page writes its own)
const MARKER = ".tsdl-site"; // says "this folder was made by the export, safe to replace"

/** One page as render_pages.py reports it. */
interface RenderedPage {
  readonly output: string;
  readonly plots: number;
  /** Versions of the plotly.js the notebook's tsdl.plotlySetup() inlined. */
  readonly plotlyLib: readonly string[];
  readonly lexer: string;
  readonly checks: number;
  /** Cells tagged `solution`, rendered collapsed. */
  readonly solutions: number;
}

function usage(message?: string): never {
  if (message) console.error(`export: ${message}`);
  console.error("usage: npm run export -- [--out DIR (default out/)] [--site DIR (default site/)]");
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { out: string; site: string } {
  const opts = { out: join(root, "out"), site: join(root, "site") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") usage();
    const m = /^--(out|site)(?:=(.*))?$/.exec(a);
    if (!m) usage(`unknown argument "${a}"`);
    const value = m[2] ?? argv[++i];
    if (!value) usage(`${a} needs a folder`);
    opts[m[1] as "out" | "site"] = resolve(value);
  }
  return opts;
}

/** A path as the user can read it: relative to the current folder when inside it, else absolute. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r === "" ? "." : r.startsWith("..") ? path : r;
}

function kB(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
}

function folderSize(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + folderSize(join(path, name)), 0);
}

/** Refuses to replace a folder that the export did not make (a typo in --site). */
function checkReplaceable(site: string): void {
  if (!existsSync(site)) return;
  if (!statSync(site).isDirectory()) throw new Error(`${site} exists and is not a folder`);
  if (readdirSync(site).length > 0 && !existsSync(join(site, MARKER))) {
    throw new Error(`${site} is not empty and was not made by this exporter (no ${MARKER} file): remove it or choose another --site`);
  }
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const summaryFile = join(opts.out, "summary.json");
  if (!existsSync(summaryFile)) {
    throw new Error(`${summaryFile} not found: run the lessons first (npm run lessons)`);
  }
  const summary = parseRunSummary(JSON.parse(readFileSync(summaryFile, "utf8")), summaryFile);
  checkReplaceable(opts.site);

  // Titles and summaries first: the navigation of every page needs the neighbours' titles.
  const lessons = summary.notebooks.map((run) => {
    // The copy next to summary.json first (out/ may have been moved), else where the runner wrote it.
    const candidates = [join(opts.out, "executed", run.notebook), ...(run.executed ? [resolve(root, run.executed)] : [])];
    const notebook = candidates.find((c) => existsSync(c));
    if (!notebook) throw new Error(`${run.notebook}: executed notebook not found (looked for ${candidates.join(", ")})`);
    const intro = lessonIntro(JSON.parse(readFileSync(notebook, "utf8")), run.notebook);
    const title = intro.title ?? basename(run.notebook, ".ipynb").replace(/^\d+-/, "").replace(/-/g, " ");
    return { run, notebook, page: pageName(run.notebook), title, summary: intro.summary };
  });
  if (!lessons.some((l) => l.summary)) console.warn("export: warning: no lesson has a summary paragraph after its title");

  // Built in a draft folder and swapped in at the end: a failed export leaves the old site as it
  // was. The draft sits in build/ (git-ignored, same disk) when the site is in the project.
  const inProject = !relative(root, opts.site).startsWith("..");
  const partial = inProject ? join(root, "build", "site-draft") : `${opts.site}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, ASSETS), { recursive: true });
  writeFileSync(join(partial, MARKER), "Made by scripts/site/export.ts; replaced by each `npm run export`.\n");

  // nbconvert renders the lesson pages (plain text for titles in <title> and the navigation).
  const plainTitle = (md: string) => inlineMarkdownToText(md);
  const job = {
    site: partial,
    assets: ASSETS,
    pages: lessons.map((l, i) => ({
      notebook: l.notebook,
      output: l.page,
      title: `${plainTitle(l.title)} — ${COURSE_TITLE}`,
      nav: {
        prev: i > 0 ? { href: lessons[i - 1]!.page, title: plainTitle(lessons[i - 1]!.title) } : null,
        index: { href: "index.html", title: "All lessons" },
        next: i + 1 < lessons.length ? { href: lessons[i + 1]!.page, title: plainTitle(lessons[i + 1]!.title) } : null,
      },
    })),
  };
  const python = findPython(["nbconvert", "nbformat"]);
  if (!python) throw new Error(`nbconvert was not found in any Python here. Install it with:\n  ${INSTALL_HINT}`);
  const r = spawnSync(python, [join(root, "scripts", "site", "render_pages.py")], {
    input: JSON.stringify(job),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    throw new Error(
      `rendering the pages with nbconvert failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.error?.message || "").trim()}`,
    );
  }
  const rendered = (JSON.parse(r.stdout) as { pages: RenderedPage[] }).pages;

  // Math, then the checks every page must pass.
  const problems: string[] = [];
  const warnings: string[] = [];
  const plotly = JSON.parse(readFileSync(require.resolve("plotly.js-dist-min/package.json"), "utf8")).version;
  let anyMath = false;
  const lines: string[] = [];
  const demoContext = { root, site: partial, assets: ASSETS };
  const demos: (EmbeddedDemo & { page: string })[] = [];
  for (const p of rendered) {
    const file = join(partial, p.output);
    const math = renderMathMarks(readFileSync(file, "utf8"));
    let html = math.html;
    try {
      const demo = embedDemos(html, demoContext); // the drawing pad, where a lesson saved a demo model
      html = demo.html;
      demos.push(...demo.demos.map((d) => ({ ...d, page: p.output })));
    } catch (err) {
      problems.push(`${p.output}: drawing pad: ${(err as Error).message}`);
    }
    for (const e of math.errors) problems.push(`${p.output}: math KaTeX cannot render: ${e}`);
    html = setLang(html, LANG);
    html = wrapTables(html).html;
    if (p.plots > 0) html = addToBodyEnd(html, plotlyLoaderHtml(`${ASSETS}/plotly.min.js`));
    html = addToBodyEnd(html, runControlsHtml(ASSETS)); // "Run it here": editable cells, Run / Run all / Reset
    if (math.count > 0) {
      anyMath = true;
      html = addToHead(html, `<link rel="stylesheet" href="${ASSETS}/katex/katex.min.css">`);
    }
    if (html.includes("<script data-tsdl-plotly-lib")) problems.push(`${p.output}: still holds an inline plotly.js (data-tsdl-plotly-lib)`);
    for (const v of p.plotlyLib) {
      if (v !== plotly)
        warnings.push(`${p.output}: the notebook was run with plotly.js ${v}, the site ships ${plotly} (re-run the lessons)`);
    }
    if (p.plots > 0 && p.plotlyLib.length === 0) {
      warnings.push(`${p.output}: has plots but no tsdl.plotlySetup() output (the notebook should call it in its first cell)`);
    }
    for (const ref of externalReferences(html)) problems.push(`${p.output}: ${ref.kind} points outside the site: ${ref.url}`);
    writeFileSync(file, html);
    lines.push(
      `  ${p.output.padEnd(40)} ${String(p.plots).padStart(3)} plot(s) ${String(math.count).padStart(3)} formula(s)  highlighting: ${p.lexer}  ${p.checks} check cell(s) hidden  ${p.solutions} solution(s) collapsed  ${kB(Buffer.byteLength(html))}`,
    );
  }

  // The index page, with math in titles or summaries rendered the same way.
  let indexMath = false;
  const inlineMath = (tex: string) => {
    indexMath = true;
    try {
      return texToHtml(tex, false);
    } catch (err) {
      problems.push(`index.html: math KaTeX cannot render: $${tex}$: ${(err as Error).message}`);
      return `<span class="tsdl-math-error">${escapeHtml(tex)}</span>`;
    }
  };
  let index = indexPageHtml(
    {
      courseTitle: COURSE_TITLE,
      profile: summary.profile,
      date: summary.date,
      assets: ASSETS,
      lessons: lessons.map((l) => ({
        href: l.page,
        title: l.title,
        summary: l.summary,
        seconds: l.run.seconds,
        ok: l.run.ok,
        ...(l.run.error ? { error: l.run.error } : {}),
        ...(l.run.backend ? { backend: l.run.backend } : {}),
      })),
    },
    inlineMath,
  );
  if (indexMath) index = addToHead(index, `<link rel="stylesheet" href="${ASSETS}/katex/katex.min.css">`);
  for (const ref of externalReferences(index)) problems.push(`index.html: ${ref.kind} points outside the site: ${ref.url}`);
  writeFileSync(join(partial, "index.html"), index);

  // Shared assets.
  const assets = join(partial, ASSETS);
  const anyPlots = rendered.some((p) => p.plots > 0);
  if (anyPlots) {
    cpSync(require.resolve("plotly.js-dist-min"), join(assets, "plotly.min.js"));
    cpSync(join(require.resolve("plotly.js-dist-min/package.json"), "..", "LICENSE"), join(assets, "plotly.js-LICENSE.txt"));
  }
  cpSync(join(root, "scripts", "site", "assets", "tsdl.css"), join(assets, "tsdl.css"));
  const demoAssets = demos.length ? copyDemoAssets(demoContext, require.resolve("@tensorflow/tfjs/dist/tf.min.js")) : null;
  const runnerAssets = copyRunnerAssets(demoContext, require.resolve("@tensorflow/tfjs/dist/tf.min.js"), defaultMnistDir());
  if (anyMath || indexMath) {
    const k = katexAssets();
    mkdirSync(join(assets, "katex", "fonts"), { recursive: true });
    cpSync(k.css, join(assets, "katex", "katex.min.css"));
    cpSync(join(k.css, "..", "..", "LICENSE"), join(assets, "katex", "LICENSE.txt"));
    // Only woff2: every browser that runs plotly.js 3 reads it, so the woff/ttf fallbacks
    // named in katex.min.css are never requested.
    for (const font of readdirSync(k.fonts).filter((f) => f.endsWith(".woff2"))) {
      cpSync(join(k.fonts, font), join(assets, "katex", "fonts", font));
    }
  }
  for (const css of [join(assets, "jupyter", "index.css"), join(assets, "jupyter", "theme-light.css"), join(assets, "tsdl.css")]) {
    for (const ref of externalReferences(readFileSync(css, "utf8"))) {
      problems.push(`${relative(partial, css)}: ${ref.kind} points outside the site: ${ref.url}`);
    }
  }

  for (const w of warnings) console.warn(`export: warning: ${w}`);
  if (problems.length) {
    console.error(`export: ${problems.length} problem(s); ${shown(opts.site)} left as it was, the draft is in ${shown(partial)}:`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  rmSync(opts.site, { recursive: true, force: true });
  renameSync(partial, opts.site);

  const failed = lessons.filter((l) => !l.run.ok);
  console.log(`export: ${shown(opts.site)}/ from ${shown(summaryFile)} (profile ${summary.profile}, run ${summary.date})`);
  console.log(lines.join("\n"));
  console.log(
    "  assets: " +
      (anyPlots
        ? `plotly.min.js ${plotly} ${kB(statSync(join(opts.site, ASSETS, "plotly.min.js")).size)} (shared by all pages), `
        : "no plots (plotly.js not copied), ") +
      `JupyterLab CSS ${kB(folderSize(join(opts.site, ASSETS, "jupyter")))}` +
      (anyMath || indexMath
        ? `, KaTeX ${katexAssets().version} CSS+woff2 ${kB(folderSize(join(opts.site, ASSETS, "katex")))}`
        : ", no math (KaTeX not copied)"),
  );
  for (const d of demos) {
    console.log(
      `  drawing pad in ${d.page}: model ${d.id.slice(0, 12)}… (profile ${d.profile}, test accuracy ${(100 * d.test.accuracy).toFixed(2)} %) from ${d.manifest}, ${d.file} ${kB(d.bytes)}`,
    );
  }
  if (demoAssets)
    console.log(`  assets: tfjs ${kB(demoAssets.tfjs)} and the pad's bundle ${kB(demoAssets.bundle)} (shared by pages with a drawing pad)`);
  console.log(
    `  assets: run it here: the pages' controls ${kB(runnerAssets.controls)}; on the first Run the runner ${kB(runnerAssets.runner)}, ` +
      `MNIST's fast slice ${kB(runnerAssets.mnist)}, the wasm backend ${kB(runnerAssets.wasm)} (shared with the pad)` +
      (runnerAssets.tfjs ? `, tfjs ${kB(runnerAssets.tfjs)}` : " and the shared tfjs"),
  );
  if (failed.length)
    console.warn(
      `export: warning: ${failed.length} lesson(s) failed to run and are marked so on the index: ${failed.map((l) => l.run.notebook).join(", ")}`,
    );
  console.log(`export: open ${join(shown(opts.site), "index.html")} (works offline, from any folder)`);
}

try {
  main();
} catch (err) {
  console.error(`export: ${(err as Error).message}`);
  process.exit(1);
}
