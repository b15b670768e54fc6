#!/usr/bin/env python3
"""Execute the lesson notebooks headless with Jupyter's own nbclient, one after another.

Writes each executed notebook to OUT/executed/ and an HTML copy to OUT/html/, prints one line per
notebook (time, ok/FAILED) and, for a failure, the failing cell as Jupyter numbers it (In [n]), its
source and its traceback, and writes OUT/summary.json (`failedCell` is that n). Exits 1 if any notebook failed, 2 on a bad
profile, timeout or path (checked before any kernel starts).

The kernel (tslab with patches/tslab+1.0.22.patch) speaks Jupyter's protocol: a failing cell
sends an `error` output and an error reply, so nbclient's own error handling finds it. What the
protocol cannot say is covered here:
- a notebook stops at its first failing cell; every later cell is marked "not run", never skipped
  without a word;
- errors of a cell's asynchronous work that come after the cell finished fail the next cell (the
  kernel does that); after the last cell one more, empty, request collects them;
- a notebook that is not valid JSON is reported by name, and the others still run;
- a timeout or a dead kernel fails the cell that was running.
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
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbformat.sign import NotebookNotary

PROFILES = ("fast", "full")
# Seconds allowed per cell: in the full profile one cell trains a model on all of MNIST.
DEFAULT_TIMEOUT = {"fast": 1800, "full": 43200}
NOT_RUN = "[not run: an earlier cell of this notebook failed]\n"
# Run after the last cell: the kernel fails it with errors that the notebook's async work threw late.
LATE_ERRORS_PROBE = "// after the last cell: errors of asynchronous work still to report"
BACKEND_LINE = re.compile(r"^Backend: (.+)$", re.M)
# How the kernel begins the error of a cell that it did not run because an earlier cell's
# asynchronous work failed after that cell had finished.
LATE_ERROR = re.compile(r"This cell was not run: asynchronous work failed after In \[(\d+)\] had finished")


def positive_seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text!r}")
    return int(value) if value.is_integer() else value


def read_notebook(path):
    """(notebook, None) or (None, why it cannot be run)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        json.loads(text)
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
        return nb, None
    except json.JSONDecodeError as err:
        return None, f"not JSON: {err}"
    except nbformat.ValidationError as err:
        return None, f"not a valid notebook: {err.message}"
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return None, f"cannot be read: {err}"


def error_output(cell):
    """The cell's last `error` output, or None."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return errors[-1] if errors else None


def add_error(cell, ename, evalue, traceback):
    cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback))
    return cell.outputs[-1]


def execute(path, nb, timeout):
    """Execute one notebook in place; return its result dict."""
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
    )
    result = {"notebook": os.path.basename(path), "ok": True, "cellsRun": 0, "cellsNotRun": 0}
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    by_number = {}  # In [n] -> cell
    started = time.time()

    def fail(cell, error, traceback):
        # Jupyter's number for the cell: In [n].
        result.update(ok=False, failedCell=cell.get("execution_count"), failedSource=cell.source,
                      error=error, errorText="\n".join(traceback))

    def failed_with_error(cell, err, reporter=None):
        """`cell` got an error reply; blame the cell whose asynchronous work failed, if the kernel says so."""
        out = error_output(cell) or add_error(cell, err.ename, err.evalue, str(err).splitlines())
        late = LATE_ERROR.match(out.traceback[0]) if out.traceback else None
        blamed = by_number.get(int(late.group(1))) if late else None
        if blamed is None or blamed is cell:
            fail(cell, f"{out.ename}: {out.evalue}", out.traceback)
            return
        # `cell` itself was not run: the kernel reported the earlier cell's error in its place.
        if any(c is cell for c in by_number.values()):
            result["cellsRun"] -= 1
            result["cellsNotRun"] += 1
        reporter = reporter or f"In [{cell.get('execution_count')}]"
        traceback = out.traceback[1:] + [f"(thrown after In [{late.group(1)}] had finished: {reporter} reported it)"]
        add_error(blamed, out.ename, out.evalue, traceback)
        fail(blamed, f"{out.ename}: {out.evalue}", traceback)

    try:
        with client.setup_kernel():
            for index, cell in code_cells:
                if not result["ok"]:
                    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=NOT_RUN)]
                    result["cellsNotRun"] += 1
                    continue
                result["cellsRun"] += 1
                try:
                    client.execute_cell(cell, index)
                    by_number[cell.get("execution_count")] = cell
                except CellExecutionError as err:
                    by_number[cell.get("execution_count")] = cell
                    failed_with_error(cell, err)
                except CellTimeoutError:
                    problem = f"timed out after {timeout} s"
                    fail(cell, problem, add_error(cell, "CellTimeoutError", problem, [problem]).traceback)
                except DeadKernelError as err:
                    problem = f"the kernel died: {err}"
                    fail(cell, problem, add_error(cell, "DeadKernelError", problem, [problem]).traceback)
            if result["ok"] and code_cells:
                probe = nbformat.v4.new_code_cell(LATE_ERRORS_PROBE)
                nb.cells.append(probe)  # nbclient stores the executed cell at its index
                try:
                    client.execute_cell(probe, len(nb.cells) - 1, store_history=False)
                except CellExecutionError as err:
                    failed_with_error(probe, err, "the check after the last cell")
                finally:
                    nb.cells.pop()
    except Exception as err:  # the kernel failed to start, etc.
        result.update(ok=False, error=f"{type(err).__name__}: {err}", errorText=str(err))
    result["seconds"] = round(time.time() - started, 1)
    outputs = "".join(o.get("text", "") for _, c in code_cells
                      for o in c.get("outputs", []) if o.get("output_type") == "stream")
    found = BACKEND_LINE.search(outputs)
    if found:
        result["backend"] = found.group(1)
    return result


def report(result):
    state = "ok" if result["ok"] else "FAILED"
    print(f"{state:>6}  {result['seconds']:7.1f} s  {result['notebook']}  ({result['cellsRun']} cells run)")
    if result["ok"]:
        return
    if result.get("readable") is False:
        where = "cannot be run"
    elif result.get("failedCell") is not None:
        where = f"In [{result['failedCell']}] failed"
    else:
        where = "failed before any cell ran"
    print(f"\n--- {result['notebook']}: {where}: {result['error']}")
    if "failedSource" in result:
        print("--- source:\n" + result["failedSource"])
    if result["errorText"] != result["error"]:
        print("--- error:\n" + result["errorText"].rstrip())
    if result["cellsNotRun"]:
        print(f"--- {result['cellsNotRun']} later cell(s) were not run")
    print()


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/[0-9]*.ipynb in order)")
    ap.add_argument("--out", default=os.path.join(root, "out"), help="output folder (default: out/)")
    ap.add_argument("--timeout", type=positive_seconds, default=None,
                    help="seconds allowed per cell (default: 1800 in the fast profile, 43200 in full, "
                         "where one cell trains a model on all of MNIST)")
    ap.add_argument("--no-html", action="store_true", help="skip the HTML copies")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress in order with the kernels' own output

    profile = os.environ.get("LESSON_PROFILE") or "fast"
    if profile not in PROFILES:
        print(f'run_notebooks: LESSON_PROFILE must be "fast" or "full", got "{profile}"', file=sys.stderr)
        return 2
    timeout = args.timeout or DEFAULT_TIMEOUT[profile]
    paths = args.notebooks or sorted(glob.glob(os.path.join(root, "notebooks", "[0-9]*.ipynb")))
    if not paths:
        print("run_notebooks: no notebooks to run", file=sys.stderr)
        return 2
    for p in paths:
        if not os.path.isfile(p):
            print(f"run_notebooks: no such notebook: {p}", file=sys.stderr)
            return 2
    notebooks = []
    for p in paths:
        nb, problem = read_notebook(p)
        if problem:
            print(f"run_notebooks: {os.path.basename(p)} is {problem}; the other notebooks still run")
        notebooks.append((p, nb, problem))
    for sub in ("executed", "html"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)

    print(f"Running {len(paths)} notebook(s), LESSON_PROFILE={profile}, up to {timeout} s per cell")
    results = []
    notary = NotebookNotary()
    for path, nb, problem in notebooks:
        if problem:
            result = {"notebook": os.path.basename(path), "ok": False, "readable": False, "cellsRun": 0,
                      "cellsNotRun": 0, "seconds": 0.0, "error": problem, "errorText": problem}
        else:
            result = execute(path, nb, timeout)
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
        report(result)

    with open(os.path.join(args.out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump({"profile": profile, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                   "notebooks": results}, f, indent=2)
    failed = [r["notebook"] for r in results if not r["ok"]]
    print(f"{len(results) - len(failed)} notebook(s) ok, {len(failed)} failed" +
          (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
