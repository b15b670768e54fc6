import { test } from "node:test";
import assert from "node:assert/strict";
import pl from "nodejs-polars";
import { labelDistribution } from "../../src/data/label-distribution";
import { dataFrameHtml, showTable } from "../../src/display/table";

test("labelDistribution counts every digit 0..9 (zeros included) with shares summing to 1", () => {
  const labels = Int32Array.from([3, 1, 3, 3, 9, 1, 0, 3]);
  const df = labelDistribution(labels);
  assert.deepEqual(df.columns, ["digit", "count", "share"]);
  assert.equal(df.height, 10);
  assert.deepEqual(df.getColumn("digit").toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(df.getColumn("count").toArray().map(Number), [1, 2, 0, 4, 0, 0, 0, 0, 0, 1]);
  const shares = df.getColumn("share").toArray() as number[];
  assert.equal(shares[3], 4 / 8);
  assert.ok(Math.abs(shares.reduce((s, v) => s + v, 0) - 1) < 1e-12);
  assert.throws(() => labelDistribution(Int32Array.from([1, 10])), /label 10 at index 1 is outside 0\.\.9/);
  assert.throws(() => labelDistribution(new Int32Array(0)), /no labels/);
});

test("labelDistribution with class names adds a class column", () => {
  const names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
  const df = labelDistribution(Int32Array.from([9, 0, 0, 3]), names);
  assert.deepEqual(df.columns, ["digit", "class", "count", "share"]);
  assert.deepEqual(df.getColumn("class").toArray(), names);
  assert.deepEqual(df.getColumn("count").toArray().map(Number), [2, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
  assert.throws(() => labelDistribution(Int32Array.from([1]), ["a", "b"]), /classNames must be 10 names/);
});

test("dataFrameHtml renders a table: header, rows, right-aligned numbers, rounded floats", () => {
  const df = pl.DataFrame({ name: ["a", "b"], n: [1, 2], x: [0.123456, 2] });
  const html = dataFrameHtml(df, { decimals: 2, caption: "Demo" });
  assert.match(html, /^<table class="tsdl-table"><caption>Demo<\/caption><thead><tr><th>name<\/th>/);
  assert.match(html, /<th style="text-align:right">x<\/th>/);
  assert.match(html, /<tr><td>a<\/td><td style="text-align:right">1(\.00)?<\/td><td style="text-align:right">0\.12<\/td><\/tr>/);
  assert.match(html, /<td style="text-align:right">2\.00<\/td><\/tr><\/tbody><\/table>$/);
  assert.equal((html.match(/<tr>/g) ?? []).length, 3);
});

test("dataFrameHtml escapes HTML in names, values and caption", () => {
  const df = pl.DataFrame({ "<b>col</b>": ["<script>alert('x')</script> & \"q\""] });
  const html = dataFrameHtml(df, { caption: "<i>cap</i>" });
  assert.ok(!html.includes("<script>"));
  assert.ok(!html.includes("<b>"));
  assert.ok(!html.includes("<i>"));
  assert.ok(html.includes("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
  assert.ok(html.includes("<th>&lt;b&gt;col&lt;/b&gt;</th>"));
});

test("dataFrameHtml shows at most maxRows rows and says how many were left out", () => {
  const df = pl.DataFrame({ i: Array.from({ length: 30 }, (_, k) => k) });
  const html = dataFrameHtml(df, { maxRows: 5 });
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 5 + 1);
  assert.ok(html.includes("… 25 more rows (30 in all)"));
  assert.ok(!html.includes(">5<"), "row 5 (the sixth) is not shown");
  assert.throws(() => dataFrameHtml(df, { maxRows: 0 }), /maxRows must be a positive integer, got 0/);
  assert.throws(() => dataFrameHtml(df, { rows: 3 } as never), /unknown option "rows"/);
});

test("showTable prints polars' text table outside a kernel", () => {
  const df = labelDistribution(Int32Array.from([1, 2, 2]));
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void printed.push(args.join(" "));
  try {
    showTable(df, { caption: "Labels" });
  } finally {
    console.log = original;
  }
  assert.equal(printed.length, 1);
  assert.equal(printed[0], `Labels\n${df.toString()}`);
  assert.match(printed[0]!, /shape: \(10, 3\)/);
});
