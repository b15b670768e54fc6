import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBatchLine, formatEpochLine, TrainingProgress } from "../../src/train/progress";
import type { EpochLog } from "../../src/train/history";

const LOG: EpochLog = {
  epoch: 1,
  loss: 0.34561,
  acc: 0.90123,
  valLoss: 0.2,
  valAcc: 0.95,
  lr: 0.001,
  seconds: 8.14,
  samplesPerSecond: 1234.4,
};

test("formatBatchLine: bar, counts, rate, metrics and ETA", () => {
  const line = formatBatchLine(1, 5, 10_000, { samples: 2_500, loss: 0.5, acc: 0.8 }, 2);
  assert.equal(line, "epoch 2/5 [#####---------------] 2,500/10,000 · 1,250 samples/s · loss 0.5000 · acc 0.8000 · ETA 6.0 s");
  assert.equal(
    formatBatchLine(0, 1, 100, { samples: 100, loss: 0.5, acc: 0.8 }, 0, false),
    "epoch 1/1 100/100 · ? samples/s · loss 0.5000 · acc 0.8000 · ETA ?",
  );
});

test("formatEpochLine: all the epoch's numbers", () => {
  assert.equal(
    formatEpochLine(LOG, 5),
    "epoch 2/5 · 8.1 s · 1,234 samples/s · loss 0.3456 · acc 0.9012 · val_loss 0.2000 · val_acc 0.9500 · lr 0.00100",
  );
  const { valLoss: _l, valAcc: _a, ...noVal } = LOG;
  assert.ok(!formatEpochLine(noVal, 5).includes("val_"));
});

test("TrainingProgress: throttles mid-epoch updates, always shows epoch ends", () => {
  let now = 0;
  const out: string[] = [];
  const p = new TrainingProgress({
    epochs: 2,
    samplesPerEpoch: 100,
    mode: "tty",
    intervalMs: 500,
    write: (s) => out.push(s),
    now: () => now,
  });
  p.startEpoch(1);
  assert.equal(p.due(), false, "not right after the start");
  now = 499;
  assert.equal(p.due(), false);
  now = 500;
  assert.equal(p.due(), true);
  p.update({ samples: 50, loss: 1, acc: 0.5 });
  assert.equal(p.due(), false, "an update resets the clock");
  now = 1000;
  assert.equal(p.due(), true);
  p.endEpoch(LOG);
  assert.equal(out.length, 2);
  assert.ok(out[0]!.startsWith("\r\x1b[Kepoch 2/2 [##########----------] 50/100"));
  assert.ok(out[1]!.endsWith("lr 0.00100\n"), "an epoch end ends the line");
});

test("TrainingProgress: lines mode writes whole lines; silent writes nothing", () => {
  const out: string[] = [];
  const lines = new TrainingProgress({ epochs: 1, samplesPerEpoch: 10, mode: "lines", write: (s) => out.push(s), now: () => 0 });
  lines.endEpoch({ ...LOG, epoch: 0 });
  lines.stoppedEarly("stopped");
  assert.deepEqual(
    out.map((s) => s.endsWith("\n")),
    [true, true],
  );
  const silent = new TrainingProgress({ epochs: 1, samplesPerEpoch: 10, mode: "silent", write: (s) => out.push(s), now: () => 1e9 });
  silent.startEpoch(0);
  assert.equal(silent.due(), false);
  silent.endEpoch(LOG);
  assert.equal(out.length, 2);
});

test("TrainingProgress: kernel mode shows the epoch table and an HTML progress bar in one display", () => {
  const shown: { html: string; text: string }[] = [];
  let now = 0;
  const p = new TrainingProgress({
    epochs: 3,
    samplesPerEpoch: 6000,
    mode: "kernel",
    now: () => now,
    area: { html: (html, text) => void shown.push({ html, text }), text: () => assert.fail("kernel mode sends HTML") },
  });
  p.startEpoch(0);
  now = 11_000;
  p.endEpoch({ ...LOG, epoch: 0 });
  p.startEpoch(1);
  now = 16_000;
  p.update({ samples: 3000, loss: 0.35, acc: 0.89 });
  p.stoppedEarly("stopped: val_loss < best");
  assert.equal(shown.length, 3);
  const [epochEnd, running, stopped] = shown as [(typeof shown)[0], (typeof shown)[0], (typeof shown)[0]];
  assert.match(epochEnd.html, /<td[^>]*>1\/3<\/td><td[^>]*>0.3456<\/td><td[^>]*>0.9012<\/td><td[^>]*>0.2000<\/td>/);
  assert.ok(!epochEnd.html.includes("<progress"));
  assert.match(running.html, /<progress value="0.5000" max="1"[^>]*><\/progress> epoch 2\/3 3,000\/6,000 · 600 samples\/s/);
  assert.ok(running.html.includes("<td"), "finished epochs stay visible while the next one runs");
  assert.match(running.text, /^epoch 2\/3 \[##########----------\]/, "the text fallback keeps its bar");
  assert.ok(stopped.html.includes("stopped: val_loss &lt; best"), "notes are escaped");
});
