/**
 * The part of nodejs-polars that lesson pages use, in the page (esbuild maps `nodejs-polars`
 * here; polars is native code): a DataFrame built from rows, `withColumns(pl.col(name).cast(…))`,
 * `drop`, and what the library's table display reads (columns, dtypes, height, head, rows,
 * toString). Types follow polars: a JavaScript number makes a Float64 column. Anything else
 * throws NeedsKernelError.
 */
import { NeedsKernelError } from "./need-kernel";

type Value = number | string | boolean | null;

/** A polars data type, as the library reads it (`dtype.variant`). */
export interface DataType {
  readonly variant: string;
}
const dtype = (variant: string): DataType => Object.freeze({ variant });
export const Float64 = dtype("Float64");
export const Float32 = dtype("Float32");
export const Int32 = dtype("Int32");
export const Int64 = dtype("Int64");
const StringType = dtype("String");
const BoolType = dtype("Bool");
export const DataType = { Float64, Float32, Int32, Int64, String: StringType, Bool: BoolType };

/** `pl.col(name).cast(type)`: the only expressions the page knows. */
export class Expr {
  constructor(
    readonly name: string,
    readonly castTo?: DataType,
  ) {}
  cast(to: DataType): Expr {
    return new Expr(this.name, to);
  }
}
export const col = (name: string) => new Expr(name);

function inferType(values: readonly Value[]): DataType {
  const seen = values.find((v) => v !== null && v !== undefined);
  return typeof seen === "number" ? Float64 : typeof seen === "boolean" ? BoolType : StringType;
}

function castValue(v: Value, to: DataType): Value {
  if (v === null || v === undefined) return null;
  if (to.variant.startsWith("Int") || to.variant.startsWith("UInt")) return Math.trunc(Number(v));
  if (to.variant.startsWith("Float")) return Number(v);
  if (to.variant === "String") return String(v);
  if (to.variant === "Bool") return Boolean(v);
  throw new NeedsKernelError(`polars' cast to ${to.variant} is not in the page`);
}

/** A column-ordered table. */
export class DataFrameImpl {
  constructor(
    readonly columns: readonly string[],
    readonly dtypes: readonly DataType[],
    private readonly data: readonly (readonly Value[])[],
  ) {}
  get height(): number {
    return this.data[0]?.length ?? 0;
  }
  get width(): number {
    return this.columns.length;
  }
  rows(): Value[][] {
    return Array.from({ length: this.height }, (_, r) => this.data.map((c) => c[r]!));
  }
  head(n = 5): DataFrameImpl {
    return new DataFrameImpl(
      this.columns,
      this.dtypes,
      this.data.map((c) => c.slice(0, n)),
    );
  }
  drop(...names: (string | string[])[]): DataFrameImpl {
    const gone = names.flat();
    const keep = this.columns.map((_, i) => i).filter((i) => !gone.includes(this.columns[i]!));
    return new DataFrameImpl(
      keep.map((i) => this.columns[i]!),
      keep.map((i) => this.dtypes[i]!),
      keep.map((i) => this.data[i]!),
    );
  }
  withColumns(...exprs: (Expr | Expr[])[]): DataFrameImpl {
    const columns = [...this.columns];
    const dtypes = [...this.dtypes];
    const data = [...this.data];
    for (const e of exprs.flat()) {
      const i = columns.indexOf(e.name);
      if (i < 0) throw new Error(`withColumns: no column "${e.name}" (columns: ${columns.join(", ")})`);
      if (!e.castTo) continue;
      dtypes[i] = e.castTo;
      data[i] = data[i]!.map((v) => castValue(v, e.castTo!));
    }
    return new DataFrameImpl(columns, dtypes, data);
  }
  toString(): string {
    const cells = [this.columns.map(String), ...this.rows().map((r) => r.map(String))];
    const widths = this.columns.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
    return cells.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join(" │ ")).join("\n");
  }
}

/** `pl.DataFrame(rows)`: an array of row objects (columns in first-seen order) or an object of columns. */
export function DataFrame(input: readonly Record<string, Value>[] | Record<string, readonly Value[]>): DataFrameImpl {
  if (Array.isArray(input)) {
    const columns: string[] = [];
    for (const row of input) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    const data = columns.map((c) => input.map((row) => (row[c] === undefined ? null : row[c]!)));
    return new DataFrameImpl(columns, data.map(inferType), data);
  }
  if (input && typeof input === "object") {
    const columns = Object.keys(input);
    const data = columns.map((c) => [...(input as Record<string, readonly Value[]>)[c]!]);
    return new DataFrameImpl(columns, data.map(inferType), data);
  }
  throw new Error("DataFrame: expected an array of rows or an object of columns");
}

const pl = { DataFrame, col, DataType, Float64, Float32, Int32, Int64, String: StringType, Bool: BoolType };
/** nodejs-polars' default export (`import pl from "nodejs-polars"`); other members throw NeedsKernelError. */
export default new Proxy(pl, {
  get(target, key) {
    if (typeof key === "symbol" || key in target) return (target as Record<PropertyKey, unknown>)[key];
    if (key === "then" || key === "__esModule") return undefined;
    throw new NeedsKernelError(`nodejs-polars' ${String(key)} is not in the page (it has DataFrame, col, cast, drop)`);
  },
});
