"""What torch_bench.py and keras_bench.py share: their command line and the JSON line they print.

The tfjs side (scripts/bench/python.ts) reads that line; one definition keeps both frameworks'
rows in the same shape.
"""
import argparse
import json
import os
import sys


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--network", choices=["cnn", "mlp"], required=True)
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--infer", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--infer-batch", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3)
    return parser.parse_args()


def report(args: argparse.Namespace, params: int, threads: int, framework: str,
           train_runs: list, infer_runs: list, **extra) -> None:
    """Prints the result as one JSON line on stdout: samples/s of every pass, and the best pass."""
    json.dump({
        "network": args.network,
        "params": params,
        "threads": threads,
        **extra,
        "framework": framework,
        "python": sys.version.split()[0],
        "trainSamples": args.train,
        "inferSamples": args.infer,
        "trainSamplesPerSec": max(train_runs),  # best pass, as on the tfjs side
        "inferSamplesPerSec": max(infer_runs),
        "runs": {"train": train_runs, "infer": infer_runs},
    }, sys.stdout)
    sys.stdout.write("\n")
