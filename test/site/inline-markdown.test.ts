import { test } from "node:test";
import assert from "node:assert/strict";
import { inlineMarkdownToHtml, inlineMarkdownToText } from "../../scripts/site/inline-markdown";

const texSeen: string[] = [];
const math = (tex: string) => {
  texSeen.push(tex);
  return `<m>${tex}</m>`;
};

test("code spans, emphasis, strong and links", () => {
  assert.equal(
    inlineMarkdownToHtml('Use `tf.conv2d` with **same** or *valid* padding, see [the docs](https://x.org/a "t").', math),
    "Use <code>tf.conv2d</code> with <strong>same</strong> or <em>valid</em> padding, see the docs.",
  );
  assert.equal(
    inlineMarkdownToHtml("__bold__ and _em_ but snake_case_name stays", math),
    "<strong>bold</strong> and <em>em</em> but snake_case_name stays",
  );
});

test("math between single dollars goes to the math renderer, untouched by Markdown", () => {
  texSeen.length = 0;
  assert.equal(inlineMarkdownToHtml("a $x_{i} * y_{j}$ b", math), "a <m>x_{i} * y_{j}</m> b");
  assert.deepEqual(texSeen, ["x_{i} * y_{j}"]);
  assert.equal(inlineMarkdownToHtml("costs 5 $ and `$x$` in code", math), "costs 5 $ and <code>$x$</code> in code");
});

test("HTML in the text is shown, not interpreted, also inside code; backslash escapes work", () => {
  assert.equal(inlineMarkdownToHtml("<b>x</b> & `a<b>`", math), "&lt;b&gt;x&lt;/b&gt; &amp; <code>a&lt;b&gt;</code>");
  assert.equal(inlineMarkdownToHtml("\\*not em\\* and \\$5", math), "&#42;not em&#42; and &#36;5");
});

test("inlineMarkdownToText drops the marks and keeps the words, code and TeX", () => {
  assert.equal(inlineMarkdownToText("1. **Max** pooling with `max_pool` & $k_{2}$ <b>"), "1. Max pooling with max_pool & k_{2} <b>");
});
