"""PyTorch's peer of the bench command's syn workload (BENCHMARKS.md, "torch").

Trains the syn network, 256-512-256-10 with ReLU and a softmax cross-entropy loss, by plain SGD
(learning rate 0.01, no momentum, as the syn workload's Sparkprop runs) at one global batch, on
synthetic rows of the syn shape: standard-normal inputs, labels from a fixed random teacher
network (d -> 32 tanh -> classes, argmax). The rows are not Sparkprop's own, the shapes and the
work per row are. One process, torch.set_num_threads(threads): the two cores Spark's local[2]
fills with one task each.

Each round gathers its batch's rows from a per-epoch permutation (as Sparkprop's tasks gather
random rows from their partitions), runs forward, backward and the SGD step. Precisions:
fp32, and bf16 by torch.autocast("cpu", dtype=torch.bfloat16) (the products in bf16, the
weights and the optimiser in float32). They alternate in blocks of --block-rounds rounds after a
warm-up of --warmup-rounds rounds each; rows/s is rows over the summed time of the measured blocks.

Prints one line "RESULT {json}" (the bench command reads it); everything else goes to stderr.
"""

import argparse
import json
import os
import platform
import sys
import time


def log(*args):
    print("torch_syn:", *args, file=sys.stderr, flush=True)


def teacher_labels(np, x, classes, seed):
    """Labels of x from a fixed random teacher d -> 32 tanh -> classes (argmax), balanced by centring."""
    rng = np.random.default_rng(seed + 1)
    d = x.shape[1]
    w1 = (rng.standard_normal((d, 32)) / np.sqrt(d)).astype(np.float32)
    w2 = (rng.standard_normal((32, classes)) / np.sqrt(32)).astype(np.float32)
    labels = np.empty(x.shape[0], dtype=np.int64)
    step = 65536
    # The output is standardised per class on a probe, so every class wins a share of the rows.
    probe = np.tanh(x[:4096] @ w1) @ w2
    mean, std = probe.mean(axis=0), probe.std(axis=0) + 1e-6
    for start in range(0, x.shape[0], step):
        z = (np.tanh(x[start:start + step] @ w1) @ w2 - mean) / std
        labels[start:start + step] = z.argmax(axis=1)
    return labels


def facts(torch):
    """What PyTorch computes with here: version, ISA, BLAS/oneDNN build facts, threads."""
    config = torch.__config__.show()
    keep = []
    for line in config.splitlines():
        line = line.strip()
        if line.startswith("- Build settings:"):
            # One long line of compiler flags; only what says which CPU libraries compute.
            wanted = ("BLAS_INFO", "LAPACK_INFO", "USE_MKL", "USE_MKLDNN", "USE_OPENMP", "USE_CUDA", "CUDA_VERSION")
            settings = [kv.strip() for kv in line[len("- Build settings:"):].split(",")]
            keep.append("Build settings: " + ", ".join(kv for kv in settings if kv.split("=")[0] in wanted))
        elif any(k in line for k in ("BLAS", "MKL", "oneDNN", "MKLDNN", "OpenMP", "LAPACK", "CPU capability")):
            keep.append(line)
    parallel = torch.__config__.parallel_info()
    return {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cpuCapability": torch.backends.cpu.get_cpu_capability(),
        "mkldnnAvailable": bool(torch.backends.mkldnn.is_available()),
        "mklAvailable": bool(torch.backends.mkl.is_available()),
        "blasBuild": keep,
        "parallelInfo": [line.strip() for line in parallel.splitlines() if line.strip()],
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "ompNumThreads": os.environ.get("OMP_NUM_THREADS"),
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--widths", default="256,512,256,10")
    p.add_argument("--batch", type=int, default=8192)
    p.add_argument("--learning-rate", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup-rounds", type=int, default=10)
    p.add_argument("--block-rounds", type=int, default=20)
    p.add_argument("--blocks", type=int, default=3, help="measured blocks per precision, alternating")
    p.add_argument("--precisions", default="fp32,bf16")
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args(argv)

    import numpy as np
    import torch

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    widths = [int(w) for w in a.widths.split(",")]
    precisions = [s.strip() for s in a.precisions.split(",") if s.strip()]
    for s in precisions:
        if s not in ("fp32", "bf16"):
            raise SystemExit("torch_syn: --precisions takes fp32 and bf16, got " + repr(s))

    t0 = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    x_np = rng.standard_normal((a.rows, widths[0]), dtype=np.float32)
    y_np = teacher_labels(np, x_np, widths[-1], a.seed)
    x = torch.from_numpy(x_np)
    y = torch.from_numpy(y_np)
    generate_seconds = time.perf_counter() - t0
    log("generated %d x %d rows in %.1f s" % (a.rows, widths[0], generate_seconds))

    def network():
        layers = []
        for i in range(len(widths) - 1):
            linear = torch.nn.Linear(widths[i], widths[i + 1])
            torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
            torch.nn.init.zeros_(linear.bias)
            layers.append(linear)
            if i < len(widths) - 2:
                layers.append(torch.nn.ReLU())
        return torch.nn.Sequential(*layers)

    loss_fn = torch.nn.CrossEntropyLoss()
    state = {}
    for s in precisions:
        torch.manual_seed(a.seed)
        net = network()
        state[s] = {"net": net, "opt": torch.optim.SGD(net.parameters(), lr=a.learning_rate),
                    "perm": torch.randperm(a.rows), "pos": 0, "seconds": 0.0, "cpu": 0.0, "rows": 0, "rounds": 0, "loss": None}

    def rounds(s, n):
        st = state[s]
        net, opt = st["net"], st["opt"]
        loss = None
        for _ in range(n):
            if st["pos"] + a.batch > a.rows:
                st["perm"] = torch.randperm(a.rows)
                st["pos"] = 0
            idx = st["perm"][st["pos"]:st["pos"] + a.batch]
            st["pos"] += a.batch
            xb = x.index_select(0, idx)
            yb = y.index_select(0, idx)
            opt.zero_grad(set_to_none=True)
            if s == "bf16":
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    out = net(xb)
                    loss = loss_fn(out, yb)
            else:
                out = net(xb)
                loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
        return float(loss.detach()) if loss is not None else None

    for s in precisions:
        w0 = time.perf_counter()
        rounds(s, a.warmup_rounds)
        log("%s warm-up: %d rounds in %.2f s" % (s, a.warmup_rounds, time.perf_counter() - w0))
    load_start = os.getloadavg()[0]
    for b in range(a.blocks):
        order = precisions if b % 2 == 0 else list(reversed(precisions))
        for s in order:
            st = state[s]
            t = time.perf_counter()
            c = time.process_time()
            st["loss"] = rounds(s, a.block_rounds)
            st["seconds"] += time.perf_counter() - t
            st["cpu"] += time.process_time() - c
            st["rows"] += a.block_rounds * a.batch
            st["rounds"] += a.block_rounds
    load_end = os.getloadavg()[0]

    out = facts(torch)
    runs = []
    for s in precisions:
        st = state[s]
        runs.append({
            "precision": s,
            "how": "float32" if s == "fp32" else "torch.autocast('cpu', dtype=torch.bfloat16)",
            "rounds": st["rounds"],
            "rows": st["rows"],
            "seconds": round(st["seconds"], 3),
            "rowsPerSecond": round(st["rows"] / st["seconds"]),
            "roundMeanMs": round(1e3 * st["seconds"] / st["rounds"], 2),
            # The process's CPU time (all its threads; OpenMP's spinning included), as Spark's task CPU.
            "cpuSeconds": round(st["cpu"], 3),
            "rowsPerCpuSecond": round(st["rows"] / st["cpu"]) if st["cpu"] > 0 else None,
            "trainLoss": round(st["loss"], 4),
        })
    out.update({
        "rows": a.rows,
        "network": "-".join(str(w) for w in widths),
        "batch": a.batch,
        "learningRate": a.learning_rate,
        "warmupRounds": a.warmup_rounds,
        "blocks": a.blocks,
        "blockRounds": a.block_rounds,
        "generateSeconds": round(generate_seconds, 2),
        "runs": runs,
        "loadAverage": [load_start, load_end],
    })
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
