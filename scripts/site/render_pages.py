#!/usr/bin/env python3
"""Render executed lesson notebooks to the site's lesson pages with nbconvert (called by
scripts/site/export.ts; not meant to be run by hand).

Reads a JSON job on stdin:
    {"site": "/abs/site", "assets": "assets",
     "pages": [{"notebook": "/abs/out/executed/01-x.ipynb", "output": "01-x.html",
                "title": "1 · Convolution basics",
                "nav": {"prev": {"href": ..., "title": ...} | null, "index": {...}, "next": ... | null}}]}
writes SITE/OUTPUT for every page and SITE/ASSETS/jupyter/{index,theme-light}.css (the
JupyterLab CSS of nbconvert's "lab" template, shared by all pages instead of inlined in each),
and prints a JSON report on stdout:
    {"pages": [{"output": ..., "plots": n, "plotlyLib": ["3.1.2"], "lexer": "typescript", "checks": n,
                "solutions": n}]}

What it changes on the way (on a copy; the executed notebooks are left as they are):
- leaves out the cells tagged `check` (accuracy floors, asserted tolerances: the runner executes
  them and a failing one fails the run, but the page reads as a lesson, not a test): the page
  keeps only their code, in an inert `<template class="tsdl-check-cell">` the reader never sees,
  which the page's Run all runs in its place (a later cell may use a name a check declares);
- drops the output that holds plotly.js itself (`<script data-tsdl-plotly-lib="VERSION">`, about
  4.8 MB, once per notebook): the page loads one shared assets/plotly.min.js in its head instead;
- shows each cell tagged `solution` (a worked solution: code, or Markdown for a prose answer;
  one per exercise, in order, after the "Exercises" heading) collapsed, inside
  `<details class="tsdl-solution"><summary>Solution to exercise N</summary>…</details>`: the
  reader opens it by click or keyboard, without JavaScript. N is the cell's rank among the
  solutions, so a notebook with solutions must have one for every numbered exercise;
- sets the Pygments lexer to TypeScript when the kernel speaks TypeScript (so highlighting does
  not depend on what the kernel wrote in language_info);
- marks math (`$…$`, `$$…$$`, `\\begin{env}…\\end{env}`) in Markdown as
  `<tsdl-math data-display="inline|block">TeX, HTML-escaped</tsdl-math>` instead of leaving it to
  MathJax in the browser: export.ts renders it with KaTeX, so pages load no script for math.
Exits 1 with a message naming the notebook and cell when a notebook breaks one of these rules.
"""
import html
import json
import os
import re
import shutil
import sys

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

try:  # jinja2 >= 3
    from jinja2 import pass_context
except ImportError:  # pragma: no cover - jinja2 2.x (nbconvert 6 supports both)
    from jinja2 import contextfilter as pass_context

from traitlets.config import Config

CHECK_TAG = "check"
SOLUTION_TAG = "solution"
SOLUTION_KEY = "tsdl_solution"  # the exercise number render() gives a solution cell, for the template
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
LIB_MARK = "data-tsdl-plotly-lib"


class ExportError(Exception):
    """A notebook the site cannot be built from; the message names the notebook and cell."""


def math_mark(tex, display):
    kind = "block" if display else "inline"
    return f'<tsdl-math data-display="{kind}">{html.escape(tex, quote=False)}</tsdl-math>'


class MathMarkingRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer, but math becomes a <tsdl-math> mark instead of $…$ text."""

    def inline_math(self, text):
        return math_mark(text, False)

    def block_math(self, text):
        return math_mark(text, True)

    def latex_environment(self, name, text):
        return math_mark(f"\\begin{{{name}}}{text}\\end{{{name}}}", True)


class LessonExporter(HTMLExporter):
    """HTMLExporter whose markdown2html marks math (same options as nbconvert 6.5's own)."""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        renderer = MathMarkingRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=path,
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
        )
        return MarkdownWithMath(renderer=renderer).render(source)


def html_of(output):
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    value = output.get("data", {}).get("text/html")
    if value is None:
        return None
    return value if isinstance(value, str) else "".join(value)


def drop_plotly_lib(nb, name):
    """Removes the plotly.js library outputs; returns (library versions seen, number of plots)."""
    versions, plots = [], 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            text = html_of(output)
            if text is not None and LIB_MARK in text:
                body = text.strip()
                prefix = f'<script {LIB_MARK}="'
                if not (body.startswith(prefix) and body.endswith("</script>")
                        and body.lower().count("</script") == 1):
                    raise ExportError(
                        f"{name}: cell {index}: an output holds plotly.js ({LIB_MARK}) together with "
                        "other content; the contract is one output that is only that <script>")
                versions.append(body[len(prefix):body.index('"', len(prefix))])
                continue
            if text is not None:
                plots += text.count('class="tsdl-plot"')
            kept.append(output)
        cell.outputs = kept
    return versions, plots


def exercise_count(source):
    """The number of items in the numbered list under an "Exercises" heading in a Markdown source."""
    lines = source.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^#+\s+Exercises\s*$", line)), None)
    if start is None:
        return None
    count = 0
    for line in lines[start + 1:]:
        if re.match(r"^#+\s", line):
            break
        if re.match(r"^\d+\.\s", line):
            count += 1
    return count


def number_solutions(nb, name):
    """Gives each `solution` cell its exercise number (metadata SOLUTION_KEY); returns how many.

    The rules are checked here because the number is a cell's rank: a missing or extra solution,
    or one above the exercises, would put the wrong number on every later one.
    """
    exercises, solutions = None, []
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG not in tags:
            if cell.cell_type == "markdown" and exercises is None:
                exercises = exercise_count("".join(cell.source))
            continue
        if exercises is None:
            raise ExportError(f"{name}: cell {index}: a cell tagged {SOLUTION_TAG!r} comes before the "
                              "Exercises heading (solutions follow the exercises, one per exercise, in order)")
        if CHECK_TAG in tags:
            raise ExportError(f"{name}: cell {index}: tagged both {SOLUTION_TAG!r} and {CHECK_TAG!r} "
                              "(a check is left out of the page, a solution is shown collapsed)")
        for output in cell.get("outputs", []):
            text = html_of(output)
            if text is not None and 'class="tsdl-plot"' in text:
                raise ExportError(f"{name}: cell {index}: a solution draws a plot; the page draws its plots "
                                  "when it loads, while solutions are collapsed, not when one opens: print numbers instead")
        solutions.append(cell)
    if solutions and len(solutions) != exercises:
        raise ExportError(f"{name}: {len(solutions)} cell(s) tagged {SOLUTION_TAG!r} for {exercises} numbered "
                          "exercise(s): one solution per exercise, in the exercises' order")
    for number, cell in enumerate(solutions, start=1):
        cell.metadata[SOLUTION_KEY] = number
    return len(solutions)


def choose_lexer(nb):
    """Forces TypeScript highlighting for TypeScript notebooks; returns the lexer nbconvert uses.

    Why forced: nbconvert picks the lexer from metadata.language_info, which the lesson runner's
    cell-by-cell nbclient run does not write, and without it code is shown as plain text.
    """
    info = nb.metadata.get("language_info", {})
    spoken = {str(info.get("name", "")).lower(),
              str(nb.metadata.get("kernelspec", {}).get("language", "")).lower()}
    if "typescript" in spoken:
        info = nb.metadata.setdefault("language_info", {})
        info.setdefault("name", "typescript")  # nbformat requires a name once language_info exists
        info["pygments_lexer"] = "typescript"
    lexer = info.get("pygments_lexer") or info.get("name")
    if lexer:
        try:
            get_lexer_by_name(lexer)
        except ClassNotFound:
            lexer = None
    return lexer or "(none: plain text)"


def render(job):
    site, assets = job["site"], job["assets"]
    config = Config()
    exporter = LessonExporter(template_name="tsdl-lesson", extra_template_basedirs=[TEMPLATES], config=config)
    report = []
    for page in job["pages"]:
        path = page["notebook"]
        name = os.path.basename(path)
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as err:  # unreadable JSON, wrong nbformat…
            raise ExportError(f"{name}: cannot read the notebook: {err}") from err
        versions, plots = drop_plotly_lib(nb, name)
        lexer = choose_lexer(nb)
        solutions = number_solutions(nb, name)
        checks = sum(CHECK_TAG in cell.get("metadata", {}).get("tags", []) for cell in nb.cells)
        nb.metadata["title"] = page["title"]
        resources = {
            "metadata": {"name": page["title"], "path": os.path.dirname(os.path.abspath(path))},
            "tsdl": {"assets": assets, "nav": page["nav"], "plots": plots},
        }
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        with open(os.path.join(site, page["output"]), "w", encoding="utf-8") as f:
            f.write(body)
        report.append({"output": page["output"], "plots": plots, "plotlyLib": versions, "lexer": lexer, "checks": checks,
                       "solutions": solutions})

    # The JupyterLab CSS the "lab" template would inline in every page (about 550 kB), once.
    env = exporter.environment
    target = os.path.join(site, assets, "jupyter")
    os.makedirs(target, exist_ok=True)
    for css in ("index.css", "theme-light.css"):
        _, source_file, _ = env.loader.get_source(env, "static/" + css)
        shutil.copyfile(source_file, os.path.join(target, css))
    return {"pages": report}


def main():
    try:
        job = json.load(sys.stdin)
        result = render(job)
    except ExportError as err:
        print(f"export: {err}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
