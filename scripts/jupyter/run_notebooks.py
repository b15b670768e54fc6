#!/usr/bin/env python3
"""Execute the lesson notebooks headless with Jupyter's own nbclient, one after another.

Writes each executed notebook to OUT/executed/ and an HTML copy to OUT/html/, prints one line per
notebook (time, ok/FAILED) and, for a failure, the failing cell's source and its error text, and
writes OUT/summary.json. Exits 1 if any cell of any notebook failed.

Why not `jupyter nbconvert --execute`: tslab 1.0.22 reports a failed cell only through the
execute_reply status ("error", with no ename/evalue/traceback; the message is on stderr), answers
"abort" to requests that arrive right after a failure, and leaves execution_count unset. So this
runner executes cell by cell, reads every reply's status, stops the notebook at the first failure,
turns the stderr text into a proper `error` output, and marks every later cell as not run —
nothing is ever skipped without a word.
"""
import argparse
import glob
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat.sign import NotebookNotary

NOT_RUN = "[not run: an earlier cell of this notebook failed]\n"
BACKEND_LINE = re.compile(r"^Backend: (.+)$", re.M)


def stderr_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")


def error_summary(text):
    """First meaningful line of a tslab stderr dump (e.g. 'Error: boom' or '1:7 - Cannot find name')."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for line in lines:
        if re.match(r"^(\w*Error|\d+:\d+ - )", line):
            return line
    return lines[0] if lines else "(the kernel gave no error text)"


def execute(path, timeout):
    """Execute one notebook in place; return (notebook, result dict)."""
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    replies = {}
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel, allow_errors=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        on_cell_executed=lambda cell, cell_index, execute_reply: replies.__setitem__(cell_index, execute_reply),
    )
    result = {"notebook": os.path.basename(path), "ok": True, "cellsRun": 0, "cellsNotRun": 0}
    started = time.time()
    count = 0
    failed = None
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                if failed is not None:
                    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=NOT_RUN)]
                    result["cellsNotRun"] += 1
                    continue
                count += 1
                try:
                    client.execute_cell(cell, index)
                    reply = replies.get(index)
                    status = reply["content"].get("status") if reply else "no reply"
                    problem = None if status == "ok" else (
                        "the kernel aborted this cell" if status == "abort" else None)
                    if status not in ("ok", "abort"):
                        problem = error_summary(stderr_text(cell))
                except CellTimeoutError:
                    problem = f"timed out after {timeout} s"
                except DeadKernelError as err:
                    problem = f"the kernel died: {err}"
                if cell.get("execution_count") is None:
                    cell.execution_count = count
                result["cellsRun"] += 1
                if problem is not None:
                    failed = index
                    detail = stderr_text(cell) or problem
                    cell.outputs.append(nbformat.v4.new_output(
                        "error", ename="CellError", evalue=problem, traceback=detail.splitlines()))
                    result.update(ok=False, failedCell=index, failedSource=cell.source,
                                  error=problem, errorText=detail)
    except Exception as err:  # kernel failed to start, etc.
        result.update(ok=False, error=f"{type(err).__name__}: {err}", errorText=str(err))
    result["seconds"] = round(time.time() - started, 1)
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []) if o.get("output_type") == "stream")
    found = BACKEND_LINE.search(outputs)
    if found:
        result["backend"] = found.group(1)
    return nb, result


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/[0-9]*.ipynb in order)")
    ap.add_argument("--out", default=os.path.join(root, "out"), help="output folder (default: out/)")
    ap.add_argument("--timeout", type=int, default=None,
                    help="seconds allowed per cell (default: 1800 in the fast profile, 43200 in full, "
                         "where one cell trains a model on all of MNIST)")
    ap.add_argument("--no-html", action="store_true", help="skip the HTML copies")
    args = ap.parse_args(argv)

    paths = args.notebooks or sorted(glob.glob(os.path.join(root, "notebooks", "[0-9]*.ipynb")))
    if not paths:
        print("run_notebooks: no notebooks to run", file=sys.stderr)
        return 2
    for p in paths:
        if not os.path.isfile(p):
            print(f"run_notebooks: no such notebook: {p}", file=sys.stderr)
            return 2
    for sub in ("executed", "html"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)

    profile = os.environ.get("LESSON_PROFILE", "fast")
    if args.timeout is None:
        args.timeout = 43200 if profile == "full" else 1800
    print(f"Running {len(paths)} notebook(s), LESSON_PROFILE={profile}")
    results = []
    notary = NotebookNotary()
    for path in paths:
        nb, result = execute(path, args.timeout)
        name = os.path.splitext(os.path.basename(path))[0]
        executed = os.path.join(args.out, "executed", name + ".ipynb")
        # Signed so that Jupyter trusts the outputs we produced (plots are HTML with scripts).
        notary.sign(nb)
        nbformat.write(nb, executed)
        result["executed"] = os.path.relpath(executed, root)
        if not args.no_html:
            body, _ = HTMLExporter().from_notebook_node(nb)
            html = os.path.join(args.out, "html", name + ".html")
            with open(html, "w", encoding="utf-8") as f:
                f.write(body)
            result["html"] = os.path.relpath(html, root)
        results.append(result)
        state = "ok" if result["ok"] else "FAILED"
        print(f"{state:>6}  {result['seconds']:7.1f} s  {result['notebook']}  ({result['cellsRun']} cells run)")
        if not result["ok"]:
            where = f"cell {result['failedCell']}" if "failedCell" in result else "before any cell"
            print(f"\n--- {result['notebook']}: {where} failed: {result['error']}")
            if "failedSource" in result:
                print("--- source:\n" + result["failedSource"])
            print("--- error text:\n" + result["errorText"].rstrip())
            if result["cellsNotRun"]:
                print(f"--- {result['cellsNotRun']} later cell(s) were not run\n")

    with open(os.path.join(args.out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump({"profile": profile, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                   "notebooks": results}, f, indent=2)
    failed = [r["notebook"] for r in results if not r["ok"]]
    print(f"{len(results) - len(failed)} notebook(s) ok, {len(failed)} failed" +
          (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
