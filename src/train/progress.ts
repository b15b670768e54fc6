/**
 * Training progress that updates in place: an HTML progress bar and epoch table in the tslab
 * kernel, one rewriting line on a terminal, and plain periodic lines in logs (non-TTY output).
 *
 * `fit` asks {@link TrainingProgress.due} before reading loss and accuracy back from the device,
 * so a throttled display also means fewer device reads.
 */
import { inKernel, newDisplayArea, type DisplayArea } from "../display/output";
import { escapeHtml } from "../display/escape";
import type { EpochLog } from "./history";

/** Where progress goes: `kernel` (HTML), `tty` (one line rewritten), `lines` (a line now and then), `silent`. */
export type ProgressMode = "kernel" | "tty" | "lines" | "silent";

/** A snapshot in the middle of an epoch. */
export interface BatchProgress {
  /** Samples of this epoch done so far. */
  readonly samples: number;
  /** Running mean loss of this epoch. */
  readonly loss: number;
  /** Running accuracy of this epoch. */
  readonly acc: number;
}

/** Options for {@link TrainingProgress}. */
export interface TrainingProgressOptions {
  readonly epochs: number;
  readonly samplesPerEpoch: number;
  /** Default: `kernel` inside tslab, `tty` on a terminal, `lines` otherwise. */
  readonly mode?: ProgressMode;
  /** Minimum milliseconds between updates (default 500; 10 s in `lines` mode). */
  readonly intervalMs?: number;
  /** Output for `tty`/`lines` modes (default: process.stdout). For tests. */
  readonly write?: (text: string) => void;
  /** Clock in milliseconds (default `performance.now`). For tests. */
  readonly now?: () => number;
  /** Display for `kernel` mode (default: a new tslab display on the first update). For tests. */
  readonly area?: DisplayArea;
}

/** Where we run decides the display: a tslab kernel, a terminal, or a log (lines). */
export function defaultProgressMode(): ProgressMode {
  if (inKernel()) return "kernel";
  return process.stdout.isTTY ? "tty" : "lines";
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

function bar(fraction: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** One line for a running epoch (the text bar is left out where an HTML bar is shown), e.g. `epoch 2/5 [####----] 3,200/10,000 · 1,234 samples/s · loss 0.3456 · acc 0.9012 · ETA 6 s`. */
export function formatBatchLine(
  epoch: number,
  epochs: number,
  samplesPerEpoch: number,
  p: BatchProgress,
  elapsedSeconds: number,
  withBar = true,
): string {
  const rate = elapsedSeconds > 0 ? p.samples / elapsedSeconds : NaN;
  const eta = rate > 0 ? (samplesPerEpoch - p.samples) / rate : NaN;
  const barText = withBar ? ` ${bar(p.samples / samplesPerEpoch)}` : "";
  return [
    `epoch ${epoch + 1}/${epochs}${barText} ${fmtInt(p.samples)}/${fmtInt(samplesPerEpoch)}`,
    `${Number.isFinite(rate) ? fmtInt(rate) : "?"} samples/s`,
    `loss ${p.loss.toFixed(4)}`,
    `acc ${p.acc.toFixed(4)}`,
    `ETA ${fmtSeconds(eta)}`,
  ].join(" · ");
}

/** One line for a finished epoch, e.g. `epoch 2/5 · 8.1 s · loss 0.3456 · acc 0.9012 · val_loss … · lr 0.001`. */
export function formatEpochLine(log: EpochLog, epochs: number): string {
  const parts = [
    `epoch ${log.epoch + 1}/${epochs}`,
    fmtSeconds(log.seconds),
    `${fmtInt(log.samplesPerSecond)} samples/s`,
    `loss ${log.loss.toFixed(4)}`,
    `acc ${log.acc.toFixed(4)}`,
  ];
  if (log.valLoss !== undefined) parts.push(`val_loss ${log.valLoss.toFixed(4)}`);
  if (log.valAcc !== undefined) parts.push(`val_acc ${log.valAcc.toFixed(4)}`);
  parts.push(`lr ${log.lr.toPrecision(3)}`);
  return parts.join(" · ");
}

function epochTableHtml(logs: readonly EpochLog[], epochs: number): string {
  if (logs.length === 0) return "";
  const hasVal = logs[0]!.valLoss !== undefined;
  const head = ["epoch", "loss", "acc", ...(hasVal ? ["val_loss", "val_acc"] : []), "lr", "seconds"];
  const rows = logs.map((l) =>
    [
      `${l.epoch + 1}/${epochs}`,
      l.loss.toFixed(4),
      l.acc.toFixed(4),
      ...(hasVal ? [l.valLoss!.toFixed(4), l.valAcc!.toFixed(4)] : []),
      l.lr.toPrecision(3),
      l.seconds.toFixed(1),
    ]
      .map((c) => `<td style="text-align:right;padding:0 8px">${c}</td>`)
      .join(""),
  );
  return (
    `<table style="border-collapse:collapse;font-family:monospace"><tr>${head
      .map((h) => `<th style="text-align:right;padding:0 8px">${h}</th>`)
      .join("")}</tr>` +
    rows.map((r) => `<tr>${r}</tr>`).join("") +
    `</table>`
  );
}

/**
 * Shows training progress; `fit` drives it. Mid-epoch updates are throttled (see
 * {@link TrainingProgressOptions.intervalMs}); epoch ends are always shown.
 */
export class TrainingProgress {
  readonly mode: ProgressMode;
  private readonly epochs: number;
  private readonly samplesPerEpoch: number;
  private readonly intervalMs: number;
  private readonly write: (text: string) => void;
  private readonly now: () => number;
  private area: DisplayArea | undefined;
  private readonly done: EpochLog[] = [];
  private epoch = 0;
  private epochStart = 0;
  private lastUpdate = -Infinity;
  private readonly notes: string[] = [];

  constructor(options: TrainingProgressOptions) {
    this.mode = options.mode ?? defaultProgressMode();
    this.epochs = options.epochs;
    this.samplesPerEpoch = options.samplesPerEpoch;
    this.intervalMs = options.intervalMs ?? (this.mode === "lines" ? 10_000 : 500);
    this.write = options.write ?? ((s) => process.stdout.write(s));
    this.now = options.now ?? (() => performance.now());
    this.area = options.area;
  }

  /** Call when an epoch starts. */
  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = this.now();
    this.lastUpdate = this.epochStart;
  }

  /** True when enough time has passed for another mid-epoch update. */
  due(): boolean {
    return this.mode !== "silent" && this.now() - this.lastUpdate >= this.intervalMs;
  }

  /** Shows a mid-epoch snapshot (call when {@link due} said so). */
  update(p: BatchProgress): void {
    const t = this.now();
    this.lastUpdate = t;
    const elapsed = (t - this.epochStart) / 1000;
    const fraction = p.samples / this.samplesPerEpoch;
    this.show(
      () => this.html(formatBatchLine(this.epoch, this.epochs, this.samplesPerEpoch, p, elapsed, false), fraction),
      formatBatchLine(this.epoch, this.epochs, this.samplesPerEpoch, p, elapsed),
      false,
    );
  }

  /** Shows a finished epoch. */
  endEpoch(log: EpochLog): void {
    this.done.push(log);
    this.show(() => this.html(), formatEpochLine(log, this.epochs), true);
  }

  /** Shows why training ended early. */
  stoppedEarly(message: string): void {
    this.show(() => this.html(undefined, undefined, message), message, true);
  }

  /** Shows a line about how the training runs (e.g. its workers); it stays above the epochs. */
  note(message: string): void {
    this.notes.push(message);
    this.show(() => this.html(), message, true);
  }

  /**
   * Sends one update where it belongs. `html` is only built in the kernel; `endOfLine` ends the
   * rewritten terminal line so that the next epoch starts a new one.
   */
  private show(html: () => string, text: string, endOfLine: boolean): void {
    switch (this.mode) {
      case "kernel":
        this.kernelArea().html(html(), text);
        break;
      case "tty":
        this.write(`\r\x1b[K${text}${endOfLine ? "\n" : ""}`);
        break;
      case "lines":
        this.write(`${text}\n`);
        break;
      case "silent":
        break;
    }
  }

  private kernelArea(): DisplayArea {
    this.area ??= newDisplayArea();
    return this.area;
  }

  /** The epoch table, then the running epoch's bar and line, or a closing note. */
  private html(line?: string, fraction?: number, note?: string): string {
    const running =
      line !== undefined
        ? `<div style="font-family:monospace"><progress value="${(fraction ?? 0).toFixed(4)}" max="1" style="width:240px"></progress> ${line}</div>`
        : "";
    const closing = note !== undefined ? `<div style="font-family:monospace">${escapeHtml(note)}</div>` : "";
    const notes = this.notes.map((n) => `<div style="font-family:monospace">${escapeHtml(n)}</div>`).join("");
    return `<div>${notes}${epochTableHtml(this.done, this.epochs)}${running}${closing}</div>`;
  }
}
