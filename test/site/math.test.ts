import { test } from "node:test";
import assert from "node:assert/strict";
import { katexAssets, renderMathMarks, texToHtml } from "../../scripts/site/math";
import { existsSync, readdirSync } from "node:fs";

test("renderMathMarks replaces inline and block marks by KaTeX and counts them", () => {
  const page = `<p>Size <tsdl-math data-display="inline">n - k + 1 &lt; n</tsdl-math></p><tsdl-math data-display="block">\\frac{a}{b}</tsdl-math>`;
  const r = renderMathMarks(page);
  assert.equal(r.count, 2);
  assert.deepEqual(r.errors, []);
  assert.ok(!r.html.includes("tsdl-math"), "no mark is left");
  assert.match(r.html, /<p>Size <span class="katex">/);
  assert.match(r.html, /<span class="katex-display">/);
  // The MathML copy carries the TeX source, unescaped once (so &lt; was read as <).
  assert.match(r.html, /<annotation encoding="application\/x-tex">n - k \+ 1 &lt; n<\/annotation>/);
});

test("a formula KaTeX cannot read is listed with its TeX and stays visible as text", () => {
  const r = renderMathMarks(`<tsdl-math data-display="inline">\\frac{1}{</tsdl-math> ok <tsdl-math data-display="inline">x</tsdl-math>`);
  assert.equal(r.count, 2);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!, /^\$\\frac\{1\}\{\$: KaTeX parse error/);
  assert.match(r.html, /<span class="tsdl-math-error">\\frac\{1\}\{<\/span> ok <span class="katex">/);
});

test("texToHtml throws on bad TeX and katexAssets points at the CSS and woff2 fonts", () => {
  assert.throws(() => texToHtml("\\notacommand", false), /Undefined control sequence/);
  const k = katexAssets();
  assert.ok(existsSync(k.css));
  assert.ok(readdirSync(k.fonts).some((f) => f.endsWith(".woff2")));
  assert.match(k.version, /^\d+\.\d+\.\d+$/);
});
