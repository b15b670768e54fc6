/**
 * A lesson's title and one-line summary, read from its notebook's first Markdown cell: the
 * title is that cell's first heading, the summary its first paragraph after the title (both as
 * Markdown source; the index page renders the inline Markdown).
 */

/** Title and summary of a lesson; null when the first Markdown cell has none. */
export interface LessonIntro {
  readonly title: string | null;
  readonly summary: string | null;
}

type Block = { readonly kind: "heading" | "paragraph" | "other"; readonly text: string };

function sourceOf(cell: Record<string, unknown>, where: string): string {
  const s = cell.source;
  if (typeof s === "string") return s;
  if (Array.isArray(s) && s.every((line) => typeof line === "string")) return s.join("");
  throw new Error(`${where}: a cell's "source" must be a string or a list of strings`);
}

// Blocks that are not running text: quotes, lists, tables, HTML, images, rules, display math.
const NOT_PROSE = /^\s*(>|[-*+]\s|\d+[.)]\s|\||<|!\[|\$\$|\\\[|\\begin\{|---|\*\*\*|___)/;

/** Splits Markdown into headings, paragraphs and other blocks (fenced code counts as other). */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let lines: string[] = [];
  let fence: string | null = null;
  const flush = () => {
    if (lines.length === 0) return;
    const text = lines.join("\n");
    out.push({ kind: NOT_PROSE.test(text) ? "other" : "paragraph", text });
    lines = [];
  };
  for (const line of markdown.split(/\r?\n/)) {
    if (fence !== null) {
      if (line.trim().startsWith(fence)) fence = null;
      continue;
    }
    const opening = /^\s*(```+|~~~+)/.exec(line);
    if (opening) {
      flush();
      fence = opening[1]!;
      out.push({ kind: "other", text: line });
      continue;
    }
    const atx = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (atx) {
      flush();
      out.push({ kind: "heading", text: atx[1]! });
      continue;
    }
    // A setext heading: a line of text underlined with === or ---.
    if (/^\s{0,3}(=+|-+)\s*$/.test(line) && lines.length > 0) {
      const text = lines.join(" ").trim();
      lines = [];
      out.push({ kind: "heading", text });
      continue;
    }
    if (line.trim() === "") flush();
    else lines.push(line.trim());
  }
  flush();
  return out;
}

/**
 * Reads the title and summary from a parsed notebook (nbformat 4 JSON). Throws when the value
 * is not a notebook; returns nulls when the notebook has no Markdown cell, no heading or no
 * paragraph.
 */
export function lessonIntro(notebook: unknown, where = "notebook"): LessonIntro {
  if (typeof notebook !== "object" || notebook === null || !Array.isArray((notebook as { cells?: unknown }).cells)) {
    throw new Error(`${where}: not a notebook (no "cells" list)`);
  }
  const cells = (notebook as { cells: unknown[] }).cells;
  const first = cells.find(
    (c): c is Record<string, unknown> => typeof c === "object" && c !== null && (c as { cell_type?: unknown }).cell_type === "markdown",
  );
  if (!first) return { title: null, summary: null };
  const all = blocks(sourceOf(first, where));
  const headingAt = all.findIndex((b) => b.kind === "heading");
  const title = headingAt >= 0 ? all[headingAt]!.text : null;
  const rest = all.slice(headingAt + 1);
  const at = rest.findIndex((b) => b.kind === "paragraph");
  return { title: title || null, summary: at >= 0 ? indexLine(rest[at]!.text, rest[at + 1]) : null };
}

/** An index line is cut after the sentence that reaches this many characters (at least one sentence). */
export const SUMMARY_CHARS = 420;

/**
 * The summary as a line on the index, which must read on its own, away from the lesson: on one
 * line; parenthetical asides (a source, a pointer to a section) left out; a paragraph that
 * introduces a list (ends with ":") completed by the list items' bold lead-ins, or without that
 * sentence when the items have none; whole sentences up to {@link SUMMARY_CHARS}.
 */
export function indexLine(paragraph: string, next?: { readonly kind: string; readonly text: string }): string {
  let text = paragraph
    .replace(/\s*\n\s*/g, " ")
    .replace(/\s+\([^()]*\)/g, "")
    .trim();
  if (text.endsWith(":")) {
    const items = next?.kind === "other" ? next.text.split("\n").filter((l) => /^([-*+]|\d+[.)])\s/.test(l)) : [];
    const leads = items.map((l) => /^(?:[-*+]|\d+[.)])\s+\*\*(.+?)\*\*/.exec(l)?.[1]);
    if (items.length > 0 && leads.every((l) => l !== undefined)) text = `${text} ${leads.join(" ")}`;
    else text = sentences(text).slice(0, -1).join(" ") || text;
  }
  const kept: string[] = [];
  for (const sentence of sentences(text)) {
    kept.push(sentence);
    if (kept.join(" ").length >= SUMMARY_CHARS) break;
  }
  return kept.join(" ");
}

/** Sentences: split after . ! ? before a capital, an emphasis mark or a quote (not "et al. 2012", "e.g. a"). */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z*_`"“])/);
}
