/**
 * The lesson runner's out/summary.json (written by scripts/jupyter/run_notebooks.py), read with checks:
 * the site is built from it, so a field that is missing or of the wrong type is an error that
 * names the field, not a page that silently says "undefined".
 */

/** One notebook's run, as the runner reports it. */
export interface NotebookRun {
  /** File name, e.g. "01-convolution-basics.ipynb". */
  readonly notebook: string;
  readonly ok: boolean;
  readonly cellsRun: number;
  readonly cellsNotRun: number;
  /** Wall-clock seconds the notebook took to run. */
  readonly seconds: number;
  /** The backend line the notebook printed ("tfjs 4.22.0 · wasm (…)"), if it printed one. */
  readonly backend?: string;
  /** Path of the executed notebook, relative to the project root. */
  readonly executed?: string;
  /** What failed, when `ok` is false. */
  readonly error?: string;
}

/** The whole summary: profile and date of the run, and the notebooks in lesson order. */
export interface RunSummary {
  readonly profile: string;
  readonly date: string;
  readonly notebooks: readonly NotebookRun[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function wrongType(where: string, key: string, type: string, v: unknown): Error {
  return new Error(`${where}: "${key}" must be ${type}, got ${JSON.stringify(v)}`);
}

function str(obj: Json, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== "string") throw wrongType(where, key, "a string", v);
  return v;
}

function num(obj: Json, key: string, where: string): number {
  const v = obj[key];
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw wrongType(where, key, "a number ≥ 0", v);
  return v;
}

function bool(obj: Json, key: string, where: string): boolean {
  const v = obj[key];
  if (typeof v !== "boolean") throw wrongType(where, key, "true or false", v);
  return v;
}

function optionalString(obj: Json, key: string, where: string): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw wrongType(where, key, "a string when present", v);
  return v;
}

/**
 * Checks a parsed summary.json and returns it typed. `where` names the file in error messages.
 * Notebook names must be plain `*.ipynb` file names (they become page names) and distinct.
 */
export function parseRunSummary(json: unknown, where = "summary.json"): RunSummary {
  if (!isObject(json)) throw new Error(`${where}: expected a JSON object`);
  const profile = str(json, "profile", where);
  const date = str(json, "date", where);
  if (!Array.isArray(json.notebooks)) throw new Error(`${where}: "notebooks" must be an array`);
  if (json.notebooks.length === 0) throw new Error(`${where}: "notebooks" is empty: no lesson was run`);
  const seen = new Set<string>();
  const notebooks = json.notebooks.map((entry: unknown, i: number): NotebookRun => {
    const at = `${where}: notebooks[${i}]`;
    if (!isObject(entry)) throw new Error(`${at}: expected an object`);
    const notebook = str(entry, "notebook", at);
    pageName(notebook); // validates the name
    if (seen.has(notebook)) throw new Error(`${at}: "${notebook}" is listed twice`);
    seen.add(notebook);
    const run: NotebookRun = {
      notebook,
      ok: bool(entry, "ok", at),
      cellsRun: num(entry, "cellsRun", at),
      cellsNotRun: num(entry, "cellsNotRun", at),
      seconds: num(entry, "seconds", at),
    };
    const backend = optionalString(entry, "backend", at);
    const executed = optionalString(entry, "executed", at);
    const error = optionalString(entry, "error", at);
    return {
      ...run,
      ...(backend !== undefined ? { backend } : {}),
      ...(executed !== undefined ? { executed } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  });
  return { profile, date, notebooks };
}

/**
 * The site page of a notebook: "01-convolution-basics.ipynb" → "01-convolution-basics.html".
 * Only plain file names made of letters, digits, `.`, `_` and `-` are accepted: the name goes
 * into URLs and file paths unescaped.
 */
export function pageName(notebook: string): string {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\.ipynb$/.exec(notebook);
  if (!m || m[1] === "index") {
    throw new Error(`notebook name "${notebook}" must look like "01-some-name.ipynb" (letters, digits, . _ -; not "index")`);
  }
  return `${m[1]}.html`;
}
