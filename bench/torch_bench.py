"""PyTorch side of `npm run bench`: the same two networks, Adam, synthetic data.

Prints one JSON object on stdout. Run by scripts/cli/bench.ts (bench/.venv's PyTorch, and Debian's); by hand:

    bench/.venv/bin/python bench/torch_bench.py --network cnn --train 2000 --infer 10000
"""
import time

import torch
from torch import nn

from bench_common import parse_args, report


def reference_cnn() -> nn.Module:
    # Same as the tfjs model: 3x3 'same' convs + relu, 2x2 pools with 'same' padding
    # (ceil_mode: 7 -> 4), dropout, dense 128 relu, dense 10. 356,234 parameters.
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        nn.Flatten(), nn.Dropout(0.25),
        nn.Linear(128 * 4 * 4, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def mlp() -> nn.Module:
    # 784-256-256-10, 269,322 parameters.
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10),
    )


def main() -> None:
    args = parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = reference_cnn() if args.network == "cnn" else mlp()
    params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy, as the tfjs model's loss

    x_train = torch.rand(args.train, 1, 28, 28)
    y_train = torch.randint(0, 10, (args.train,))
    x_infer = torch.rand(args.infer, 1, 28, 28)

    def train_batches(count: int) -> None:
        model.train()
        for start in range(0, count, args.batch):
            xb = x_train[start:start + args.batch]
            yb = y_train[start:start + args.batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
        loss.item()  # like reading the loss on the JS side

    train_batches(min(2 * args.batch, args.train))  # warm-up
    train_runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        train_batches(args.train)
        train_runs.append(args.train / (time.perf_counter() - start))

    model.eval()
    infer_runs = []
    with torch.no_grad():
        model(x_infer[: args.infer_batch])  # warm-up
        for _ in range(args.repeats):
            start = time.perf_counter()
            for i in range(0, args.infer, args.infer_batch):
                model(x_infer[i:i + args.infer_batch]).sum().item()
            infer_runs.append(args.infer / (time.perf_counter() - start))

    report(args, params, torch.get_num_threads(), f"PyTorch {torch.__version__}", train_runs, infer_runs,
           torch=torch.__version__)


if __name__ == "__main__":
    main()
