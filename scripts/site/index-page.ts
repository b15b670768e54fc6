/** The site's front page: course title, the run (date, profile, backend), the lessons in order. */
import { escapeHtml } from "./html";
import { inlineMarkdownToHtml } from "./inline-markdown";

/** One lesson as the index lists it. */
export interface IndexLesson {
  /** Page file name, e.g. "01-convolution-basics.html". */
  readonly href: string;
  /** Title (inline Markdown). */
  readonly title: string;
  /** One-line summary (inline Markdown), or null when the lesson has none. */
  readonly summary: string | null;
  readonly seconds: number;
  readonly ok: boolean;
  /** Why it failed, when `ok` is false. */
  readonly error?: string;
  readonly backend?: string;
}

/** Everything the index page shows. */
export interface SiteIndex {
  readonly courseTitle: string;
  readonly profile: string;
  /** The runner's date, e.g. "2026-11-25T13:02:01+0000". */
  readonly date: string;
  readonly lessons: readonly IndexLesson[];
  /** Folder of the shared assets, relative to the index (e.g. "assets"). */
  readonly assets: string;
}

/** "12.3" → "12 s", "75" → "1 min 15 s", "3725" → "1 h 02 min". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`formatSeconds: expected seconds ≥ 0, got ${seconds}`);
  const s = Math.round(seconds);
  if (s < 60) return seconds > 0 && s === 0 ? "< 1 s" : `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** "2026-11-25T13:02:01+0000" → "2026-11-25 13:02 (UTC+0000)"; other text is shown as it is. */
export function formatRunDate(date: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(date);
  if (!m) return date;
  const zone = m[3] === undefined ? "" : m[3] === "Z" ? " (UTC)" : ` (UTC${m[3]})`;
  return `${m[1]} ${m[2]}${zone}`;
}

/**
 * The backend as the index shows it: the runner's line without the "(skipped: …)" list of
 * backends that could not be used nor the "[…]" notices (e.g. the load average that set the
 * thread count, which differs from lesson to lesson); the full line stays in the tooltip.
 */
export function shortBackend(line: string): string {
  return line.replace(/\s*\(skipped:[\s\S]*\)\s*$/, "").replace(/\s*\[[^\]]*\]/g, "");
}

/**
 * The index page. `math` renders inline TeX (KaTeX in the exporter, which then adds KaTeX's
 * stylesheet to the head if it was called).
 */
export function indexPageHtml(site: SiteIndex, math: (tex: string) => string): string {
  const md = (text: string) => inlineMarkdownToHtml(text, math);
  // Lessons whose lines differ only in notices share one backend: the header names it once.
  const backends = [
    ...new Set(
      site.lessons
        .map((l) => l.backend)
        .filter((b): b is string => b !== undefined)
        .map(shortBackend),
    ),
  ];
  const fullLines = (short: string) =>
    [...new Set(site.lessons.map((l) => l.backend).filter((b): b is string => b !== undefined && shortBackend(b) === short))].join("\n");
  const total = site.lessons.reduce((sum, l) => sum + l.seconds, 0);
  const failed = site.lessons.filter((l) => !l.ok).length;
  const items = site.lessons.map((l, i) => {
    const status = l.ok ? "" : ` <span class="tsdl-failed">failed${l.error ? `: ${escapeHtml(l.error)}` : ""}</span>`;
    const backend =
      backends.length > 1 && l.backend ? ` · <span title="${escapeHtml(l.backend)}">${escapeHtml(shortBackend(l.backend))}</span>` : "";
    return [
      `<li class="tsdl-lesson-item${l.ok ? "" : " tsdl-lesson-failed"}">`,
      `<div class="tsdl-lesson-head"><span class="tsdl-lesson-number">${i + 1}</span>`,
      `<a href="${escapeHtml(l.href)}">${md(l.title)}</a>`,
      `<span class="tsdl-lesson-time" title="time to run the notebook">${escapeHtml(formatSeconds(l.seconds))}${backend}</span>${status}</div>`,
      l.summary ? `<p class="tsdl-lesson-summary">${md(l.summary)}</p>` : "",
      `</li>`,
    ].join("");
  });
  const backendLine =
    backends.length === 0
      ? "backend not reported"
      : backends.length === 1
        ? `backend <span title="${escapeHtml(fullLines(backends[0]!))}">${escapeHtml(backends[0]!)}</span>`
        : `backends: ${backends.map((b) => `<span title="${escapeHtml(fullLines(b))}">${escapeHtml(b)}</span>`).join("; ")}`;
  const assets = escapeHtml(site.assets);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(site.courseTitle)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets}/tsdl.css">
</head>
<body class="tsdl-index">
<main class="tsdl-main">
<header class="tsdl-index-header">
<h1>${escapeHtml(site.courseTitle)}</h1>
<p class="tsdl-run">${site.lessons.length} lessons${failed ? `, <span class="tsdl-failed">${failed} failed</span>` : ""}, run on ${escapeHtml(formatRunDate(site.date))} · profile <b>${escapeHtml(site.profile)}</b> · ${escapeHtml(formatSeconds(total))} in all · ${backendLine}</p>
</header>
<ol class="tsdl-lessons">
${items.join("\n")}
</ol>
<footer class="tsdl-footer">Every page was produced by running its notebook; the times are how long each notebook took to run.</footer>
</main>
</body>
</html>
`;
}
