/**
 * The bench's rounds put together (`npm run bench`, scripts/cli/bench.ts): ratios to PyTorch within
 * a round, medians over rounds, and the tables printed at the end.
 */
import * as os from "node:os";
import { defaultShape, type GemmMeasurement } from "@tsdl/wasm-kernels";
import { type GemmRound, type Measurement, type Network, round } from "./measure";

/**
 * Sets each measurement's ratios to the run of PyTorch `torch` (a framework string; the first
 * PyTorch found) on the same network in the same list (one round). Python rows get none.
 */
export function addRatios(results: Measurement[], torch: string | undefined): void {
  const ratio = (m: Measurement, t: Measurement | undefined) =>
    t && m.framework === undefined
      ? { train: m.trainSamplesPerSec / t.trainSamplesPerSec, infer: m.inferSamplesPerSec / t.inferSamplesPerSec }
      : null;
  const torchRun = (network: Network, threads: number | null) =>
    results.find((t) => t.framework === torch && torch !== undefined && t.network === network && t.threads === threads);
  for (const m of results) {
    m.ratioToTorch = ratio(m, torchRun(m.network, os.cpus().length));
    m.ratioToTorchSameThreads = m.threads === null ? null : ratio(m, torchRun(m.network, m.threads));
  }
}

function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** One measurement per configuration: rates and ratios are medians over the rounds, every pass kept. */
export function medianOverRounds(perRound: readonly Measurement[][]): Measurement[] {
  const key = (m: Measurement) => `${m.network} ${m.backend} ${m.framework ?? ""} ${m.threads} ${m.trainedWith ?? ""}`;
  return perRound[0]!.map((first) => {
    const same = perRound.map((round) => round.find((m) => key(m) === key(first))).filter((m): m is Measurement => m !== undefined);
    const medianRatio = (pick: (m: Measurement) => { train: number; infer: number } | null | undefined) => {
      const ratios = same.map(pick).filter((r): r is { train: number; infer: number } => r != null);
      return ratios.length === 0 ? null : { train: median(ratios.map((r) => r.train)), infer: median(ratios.map((r) => r.infer)) };
    };
    return {
      ...first,
      trainSamplesPerSec: median(same.map((m) => m.trainSamplesPerSec)),
      inferSamplesPerSec: median(same.map((m) => m.inferSamplesPerSec)),
      runs: { train: same.flatMap((m) => m.runs.train), infer: same.flatMap((m) => m.runs.infer) },
      rounds: { train: same.map((m) => round(m.trainSamplesPerSec)), infer: same.map((m) => round(m.inferSamplesPerSec)) },
      ratioToTorch: medianRatio((m) => m.ratioToTorch),
      ratioToTorchSameThreads: medianRatio((m) => m.ratioToTorchSameThreads),
      ...(first.startSeconds !== undefined ? { startSeconds: median(same.map((m) => m.startSeconds!)) } : {}),
    };
  });
}

/** The ceiling's, each product's and each convolution kernel's GFLOP/s and paired speed-ups: the median over rounds. */
export function gemmOverRounds(rounds: readonly GemmRound[]): GemmRound {
  const at = (i: number, pick: (s: GemmMeasurement) => number | null) => {
    const v = rounds.map((r) => pick(r.shapes[i]!)).filter((x): x is number => x !== null);
    return v.length === 0 ? null : median(v);
  };
  const over = (pick: (r: GemmRound) => number | null) => {
    const v = rounds.map(pick).filter((x): x is number => x !== null);
    return v.length === 0 ? null : median(v);
  };
  return {
    relaxedSimd: rounds[0]!.relaxedSimd,
    ceiling: { plain: over((r) => r.ceiling.plain)!, fma: over((r) => r.ceiling.fma) },
    conv: rounds[0]!.conv.map((c, i) => ({
      ...c,
      gflops: { xnnpack: over((r) => r.conv[i]!.gflops.xnnpack)!, ours: over((r) => r.conv[i]!.gflops.ours)! },
      speedup: over((r) => r.conv[i]!.speedup)!,
    })),
    shapes: rounds[0]!.shapes.map((s, i) => ({
      ...s,
      gflops: { tfjs: at(i, (r) => r.gflops.tfjs)!, plain: at(i, (r) => r.gflops.plain)!, fma: at(i, (r) => r.gflops.fma) },
      speedup: { plain: at(i, (r) => r.speedup.plain)!, fma: at(i, (r) => r.speedup.fma) },
    })),
  };
}

export function printGemmTable(gemm: GemmRound): void {
  const rows = gemm.shapes.map((s) => [
    s.network,
    s.role,
    `${s.m}×${s.k}·${s.k}×${s.n}`,
    s.gflops.tfjs.toFixed(1),
    s.gflops.plain.toFixed(1),
    s.gflops.fma === null ? "—" : s.gflops.fma.toFixed(1),
    `${s.speedup.plain.toFixed(2)}×${s.speedup.fma === null ? "" : ` / ${s.speedup.fma.toFixed(2)}×`}`,
  ]);
  const tile = (fma: boolean) => `${defaultShape(fma).mr}×${defaultShape(fma).nr}`;
  const head = ["network", "product", "A·B", "tfjs MatMul", `ours SIMD ${tile(false)}`, `ours FMA ${tile(true)}`, "speed-up (paired)"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  console.log(
    ["", `GEMM GFLOP/s, 1 thread${gemm.relaxedSimd ? "" : " (no relaxed SIMD here: no FMA column)"}`, line(head), ...rows.map(line)].join(
      "\n",
    ),
  );
  const convHead = ["convolution", "kernel", "x", "XNNPACK", "ours", "ours as", "speed-up (paired)"];
  const convRows = gemm.conv.map((c) => [
    c.role,
    c.kernel,
    `[${c.x}]→${c.outChannels}`,
    c.gflops.xnnpack.toFixed(1),
    c.gflops.ours.toFixed(1),
    c.form,
    `${c.speedup.toFixed(2)}×`,
  ]);
  const convWidths = convHead.map((h, i) => Math.max(h.length, ...convRows.map((r) => r[i]!.length)));
  const convLine = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(convWidths[i]!))
      .join("  ")
      .trimEnd();
  const ceiling = `ceiling, 1 thread (multiply-adds in registers, packages/wasm-kernels/src/gemm/ceiling.ts): SIMD ${gemm.ceiling.plain.toFixed(1)}${gemm.ceiling.fma === null ? "" : `, FMA ${gemm.ceiling.fma.toFixed(1)}`} GFLOP/s`;
  console.log(["", "Convolution kernels GFLOP/s, 1 thread, batch 100", convLine(convHead), ...convRows.map(convLine), ceiling].join("\n"));
}

function ratioText(r: { train: number; infer: number } | null | undefined): string {
  return r ? `${r.train.toFixed(2)} / ${r.infer.toFixed(2)}` : "—";
}

export function printTable(results: Measurement[]): void {
  const rows = results.map((m) => [
    m.network,
    m.trainedWith === "tsdl.fit"
      ? `wasm tsdl.fit (${m.workers} worker${m.workers === 1 ? "" : "s"})`
      : m.framework !== undefined
        ? `${m.framework.replace(/ on TensorFlow /, "/TF ")} ×${m.threads}`
        : m.backend === "wasm"
          ? `${m.backend} ×${m.threads}`
          : m.backend,
    fmt(m.trainSamplesPerSec),
    fmt(m.inferSamplesPerSec),
    ratioText(m.ratioToTorch),
    ratioText(m.ratioToTorchSameThreads),
    m.note ? "small sample" : "",
  ]);
  const head = ["network", "backend", "train/s", "infer/s", "÷ PyTorch all cores", "÷ PyTorch same threads", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  console.log(["", line(head), ...rows.map(line)].join("\n"));
}

export function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}
