/**
 * One progress display for training the members of an ensemble one after another, e.g.
 * `member 2/5 · epoch 3/10 · val_acc 0.9871 · about 14 min to go`.
 *
 * - kernel (tslab): one HTML table, one row per member, rewritten in place after every epoch
 *   (each member's own `fit` display is switched off, so the notebook shows one table, not K);
 * - tty / lines (scripts): a header line when a member starts and a summary when it ends, with
 *   `fit`'s own epoch lines (rewritten bar on a terminal, periodic lines in a log) in between;
 * - silent: nothing.
 */
import { newDisplayArea, type DisplayArea } from "../display/output";
import { escapeHtml } from "../display/escape";
import type { EpochLog } from "../train/history";
import { describeRecipe, type MemberRecipe } from "./member-recipe";
import { defaultProgressMode, type ProgressMode } from "../train/progress";

/** What the display knows of each member before training starts. */
export interface PlannedMember {
  readonly seed: number;
  readonly recipe: MemberRecipe;
  /** True when a finished member is in the run folder and will be loaded, not trained. */
  readonly done: boolean;
  /** True when this call leaves the member alone (`trainMembers`' `only`). */
  readonly skipped?: boolean;
}

/** Options for {@link MembersProgress}. */
export interface MembersProgressOptions {
  readonly members: readonly PlannedMember[];
  /** Default: `kernel` inside tslab, `tty` on a terminal, `lines` otherwise. */
  readonly mode?: ProgressMode;
  /** Output for `tty`/`lines` (default process.stdout). For tests. */
  readonly write?: (text: string) => void;
  /** Display for `kernel` mode (default: a new tslab display). For tests. */
  readonly area?: DisplayArea;
}

type Status =
  | { readonly kind: "waiting" | "skipped" }
  | { readonly kind: "training"; readonly epoch: number; readonly valAcc?: number }
  | { readonly kind: "done" | "loaded"; readonly testAccuracy: number; readonly seconds: number };

function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The display `trainMembers` drives; usable alone for tests. */
export class MembersProgress {
  readonly mode: ProgressMode;
  private readonly planned: readonly PlannedMember[];
  private readonly status: Status[];
  private readonly write: (text: string) => void;
  private area: DisplayArea | undefined;
  private epochSeconds = 0;
  private epochsTrained = 0;

  constructor(options: MembersProgressOptions) {
    this.mode = options.mode ?? defaultProgressMode();
    this.planned = options.members;
    this.status = options.members.map((p) => ({ kind: p.skipped ? "skipped" : "waiting" }));
    this.write = options.write ?? ((s) => process.stdout.write(s));
    this.area = options.area;
  }

  /** The progress mode `fit` should use for each member: its own bar in scripts, none in the kernel. */
  fitMode(): ProgressMode {
    return this.mode === "kernel" ? "silent" : this.mode;
  }

  /** Says what the run will do: how many members are already trained. */
  begin(runDir: string | undefined): void {
    const k = this.planned.length;
    const mine = this.planned.filter((p) => !p.skipped);
    const done = mine.filter((p) => p.done).length;
    const where = runDir === undefined ? "(not saved)" : `in ${runDir}`;
    const numbers = this.planned.flatMap((p, i) => (p.skipped ? [] : [i + 1]));
    const which = mine.length === k ? "" : ` (this run: member${numbers.length === 1 ? "" : "s"} ${numbers.join(", ")})`;
    const text =
      done === 0
        ? `Ensemble of ${k} members ${where}${which}: training ${mine.length === k ? `all ${k}` : mine.length}.`
        : `Ensemble of ${k} members ${where}${which}: ${done} already trained (loaded, not retrained), training ${mine.length - done}.`;
    this.lines(text);
    this.kernel(text);
  }

  /** A finished member was loaded from its folder. */
  loaded(index: number, testAccuracy: number, seconds: number, dir: string): void {
    this.status[index] = { kind: "loaded", testAccuracy, seconds };
    this.lines(`${this.tag(index)} loaded from ${dir} · test acc ${testAccuracy.toFixed(4)} (trained earlier in ${fmtDuration(seconds)})`);
    this.kernel(`${this.tag(index)} loaded`);
  }

  /** A member starts training. */
  startMember(index: number): void {
    this.status[index] = { kind: "training", epoch: 0 };
    const p = this.planned[index]!;
    this.lines(`${this.tag(index)} · seed ${p.seed} · ${describeRecipe(p.recipe)}`);
    this.kernel(`${this.tag(index)} · epoch 1/${p.recipe.epochs} running…`);
  }

  /** A member finished an epoch. */
  endEpoch(index: number, log: EpochLog): void {
    this.epochSeconds += log.seconds;
    this.epochsTrained += 1;
    this.status[index] = { kind: "training", epoch: log.epoch + 1, ...(log.valAcc !== undefined ? { valAcc: log.valAcc } : {}) };
    const epochs = this.planned[index]!.recipe.epochs;
    const val = log.valAcc !== undefined ? ` · val_acc ${log.valAcc.toFixed(4)}` : "";
    this.kernel(`${this.tag(index)} · epoch ${log.epoch + 1}/${epochs}${val} · ${log.seconds.toFixed(1)} s/epoch${this.eta()}`);
  }

  /** A member finished training and was scored (and saved, when `dir` is given). */
  endMember(index: number, testAccuracy: number, seconds: number, dir: string | undefined): void {
    this.status[index] = { kind: "done", testAccuracy, seconds };
    const saved = dir === undefined ? "" : ` · saved to ${dir}`;
    this.lines(`${this.tag(index)} done · test acc ${testAccuracy.toFixed(4)} · ${fmtDuration(seconds)}${saved}${this.eta()}`);
    this.kernel(`${this.tag(index)} done${this.eta()}`);
  }

  private tag(index: number): string {
    return `member ${index + 1}/${this.planned.length}`;
  }

  /** Time left, from the mean epoch time measured so far in this run (empty before the first epoch). */
  private eta(): string {
    if (this.epochsTrained === 0) return "";
    let left = 0;
    this.status.forEach((s, i) => {
      if (this.planned[i]!.done || s.kind === "skipped") return; // loaded or left alone, not trained
      const epochs = this.planned[i]!.recipe.epochs;
      if (s.kind === "waiting") left += epochs;
      else if (s.kind === "training") left += epochs - s.epoch;
    });
    return left === 0 ? "" : ` · about ${fmtDuration((left * this.epochSeconds) / this.epochsTrained)} to go`;
  }

  private lines(text: string): void {
    if (this.mode === "tty" || this.mode === "lines") this.write(`${text}\n`);
  }

  private kernel(headline: string): void {
    if (this.mode !== "kernel") return;
    this.area ??= newDisplayArea();
    const cell = (c: string) => `<td style="text-align:right;padding:0 8px">${c}</td>`;
    const rows = this.status.map((s, i) => {
      const p = this.planned[i]!;
      const state =
        s.kind === "waiting"
          ? "waiting"
          : s.kind === "training"
            ? `epoch ${s.epoch}/${p.recipe.epochs} done${s.valAcc !== undefined ? ` · val_acc ${s.valAcc.toFixed(4)}` : ""}`
            : s.kind;
      const acc = s.kind === "done" || s.kind === "loaded" ? s.testAccuracy.toFixed(4) : "";
      const secs = s.kind === "done" || s.kind === "loaded" ? s.seconds.toFixed(1) : "";
      return `<tr>${[String(i + 1), String(p.seed), escapeHtml(state), acc, secs].map(cell).join("")}</tr>`;
    });
    const head = ["member", "seed", "status", "test acc", "seconds"]
      .map((h) => `<th style="text-align:right;padding:0 8px">${h}</th>`)
      .join("");
    const html =
      `<div style="font-family:monospace"><div>${escapeHtml(headline)}</div>` +
      `<table style="border-collapse:collapse"><tr>${head}</tr>${rows.join("")}</table></div>`;
    this.area.html(html, headline);
  }
}
