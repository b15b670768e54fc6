"""Keras 3 (TensorFlow backend, CPU) side of `npm run bench`: the same two networks, Adam,
synthetic data, Keras's defaults otherwise (as a Keras user gets them).

Prints one JSON object on stdout, with the same fields as torch_bench.py. Run by
scripts/cli/bench.ts with bench/.venv's Python; by hand:

    bench/.venv/bin/python bench/keras_bench.py --network cnn --train 2000 --infer 10000
"""
import os
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TF's start-up notes off stderr

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from bench_common import parse_args, report  # noqa: E402


def reference_cnn() -> keras.Model:
    # Same as the tfjs model (scripts/cli/bench.ts): 356,234 parameters.
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(2, padding="same"),
        layers.Conv2D(64, 3, padding="same", activation="relu"), layers.MaxPooling2D(2, padding="same"),
        layers.Conv2D(128, 3, padding="same", activation="relu"), layers.MaxPooling2D(2, padding="same"),
        layers.Flatten(), layers.Dropout(0.25),
        layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax"),
    ])


def mlp() -> keras.Model:
    # 784-256-256-10, 269,322 parameters.
    return keras.Sequential([
        keras.Input((784,)), layers.Dense(256, activation="relu"), layers.Dense(256, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


def main() -> None:
    args = parse_args()

    # Before any op runs: TF fixes its thread pools on first use.
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(0)
    model = reference_cnn() if args.network == "cnn" else mlp()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy")

    shape = (28, 28, 1) if args.network == "cnn" else (784,)
    x_train = tf.random.uniform((args.train, *shape), seed=1)
    y_train = tf.one_hot(tf.random.uniform((args.train,), 0, 10, dtype=tf.int32, seed=2), 10)
    x_infer = tf.random.uniform((args.infer, *shape), seed=3)

    warm = min(2 * args.batch, args.train)  # warm-up: tracing, oneDNN primitives
    model.fit(x_train[:warm], y_train[:warm], batch_size=args.batch, epochs=1, verbose=0)
    train_runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        model.fit(x_train, y_train, batch_size=args.batch, epochs=1, shuffle=False, verbose=0)
        train_runs.append(args.train / (time.perf_counter() - start))

    model.predict(x_infer[: args.infer_batch], batch_size=args.infer_batch, verbose=0)  # warm-up
    infer_runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        float(tf.reduce_sum(model.predict(x_infer, batch_size=args.infer_batch, verbose=0)))
        infer_runs.append(args.infer / (time.perf_counter() - start))

    report(args, model.count_params(), args.threads, f"Keras {keras.__version__} on TensorFlow {tf.__version__}",
           train_runs, infer_runs)


if __name__ == "__main__":
    main()
