import { test } from "node:test";
import assert from "node:assert/strict";
import { addToHead, escapeHtml, externalReferences, isLocalUrl, unescapeHtml } from "../../scripts/site/html";

test("escapeHtml escapes the five special characters and unescapeHtml reverses it", () => {
  const text = `<a href="x">Tom & 'Jerry'</a>`;
  assert.equal(escapeHtml(text), "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  assert.equal(unescapeHtml(escapeHtml(text)), text);
  assert.equal(unescapeHtml("&amp;lt;"), "&lt;", "an escaped entity stays one level escaped");
});

test("addToHead inserts before </head> and refuses a page without exactly one", () => {
  assert.equal(
    addToHead("<html><head><title>t</title></head><body></body></html>", "<x>"),
    "<html><head><title>t</title><x>\n</head><body></body></html>",
  );
  assert.throws(() => addToHead("<body></body>", "<x>"), /exactly one <\/head>/);
  assert.throws(() => addToHead("</head></head>", "<x>"), /exactly one <\/head>/);
});

test("isLocalUrl accepts relative paths, fragments and data: and rejects schemes and absolute paths", () => {
  for (const u of ["assets/plotly.min.js", "./a.css", "../x.png", "#top", "", "data:image/png;base64,AA==", "02-x.html?x=1"]) {
    assert.equal(isLocalUrl(u), true, u);
  }
  for (const u of [
    "https://cdn.example.org/x.js",
    "http://x",
    "//cdn.example.org/x.js",
    "file:///usr/share/javascript/mathjax/MathJax.js",
    "/assets/x.css",
    "HTTPS://X",
  ]) {
    assert.equal(isLocalUrl(u), false, u);
  }
});

test("externalReferences finds fetching attributes and CSS urls that leave the site", () => {
  const page = [
    `<script src="file:///usr/share/javascript/requirejs/require.min.js"></script>`,
    `<link rel="stylesheet" href='//cdn.example.org/a.css'>`,
    `<img srcset="a.png 1x, https://x.org/b.png 2x" src=local.png>`,
    `<a href="https://tensorflow.org/js">docs</a>`, // a link to follow is not a request
    `<script>var ns = "http://www.w3.org/2000/svg"; load("https://inside.script/x.js")</script>`,
    `<style>@import "https://fonts.example.org/f.css"; .a { background: url(data:image/png;base64,AA==) } .b { background: url('http://x.org/i.png') }</style>`,
    `<script src="assets/plotly.min.js"></script>`,
  ].join("\n");
  assert.deepEqual(
    externalReferences(page).map((r) => `${r.kind} ${r.url}`),
    [
      "<script src> file:///usr/share/javascript/requirejs/require.min.js",
      "<link href> //cdn.example.org/a.css",
      "<img srcset> https://x.org/b.png",
      "url() http://x.org/i.png",
      "@import https://fonts.example.org/f.css",
    ],
  );
  assert.deepEqual(externalReferences(`<div data-mime-type="text/html" class="x"></div>`), []);
});
