#!/usr/bin/env python3
"""PyTorch timings of the steps Kiln.Bench times, for its PyTorch/Kiln column.

Run on the same machine, idle:  env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/pytorch_reference.py [NAME ...]
(the unset lets OpenBLAS use AVX-512; see shared/reference/RESULTS.md). Writes bench/pytorch_reference.json,
which Kiln.Bench prefers over its built-in RESULTS.md figures. With workload names, times only those steps and
updates their entries in the existing file. PyTorch is not a dependency of Kiln.
"""
import json, os, random, statistics, sys, time

import torch

torch.set_num_threads(1)
WARMUP_S, BUDGET_S = 0.5, 1.5


def time_step(step):
    end = time.perf_counter() + WARMUP_S
    while time.perf_counter() < end:
        step()
    samples = []
    end = time.perf_counter() + BUDGET_S
    while len(samples) < 25 or time.perf_counter() < end:
        t0 = time.perf_counter()
        step()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def linreg():
    torch.manual_seed(0)
    w, b = torch.tensor([2.0, -3.4]), 4.2
    x = torch.normal(0, 1, (1000, 2))
    y = (x @ w + b + torch.normal(0, 0.01, (1000,))).reshape(-1, 1)
    batches = [(x[i:i + 10], y[i:i + 10]) for i in range(0, 1000, 10)]
    net = torch.nn.Sequential(torch.nn.Linear(2, 1))
    loss_fn = torch.nn.MSELoss()
    opt = torch.optim.SGD(net.parameters(), lr=0.03)
    state = {"i": 0}

    def step():
        xb, yb = batches[state["i"]]
        state["i"] = (state["i"] + 1) % len(batches)
        loss = loss_fn(net(xb), yb)
        loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def data():
    torch.manual_seed(0)
    return torch.randn(64, 1000), torch.randn(64, 10)


def tensor_manual():
    x, y = data()
    w1, w2 = torch.randn(1000, 100), torch.randn(100, 10)

    def step():
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        (y_pred - y).pow(2).sum().item()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h = grad_y_pred.mm(w2.t()) * (h > 0)
        grad_w1 = x.t().mm(grad_h)
        w1.sub_(1e-6 * grad_w1)
        w2.sub_(1e-6 * grad_w2)
    return step


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def autograd(activation):
    def make():
        x, y = data()
        w1 = torch.randn(1000, 100, requires_grad=True)
        w2 = torch.randn(100, 10, requires_grad=True)

        def step():
            y_pred = activation(x.mm(w1)).mm(w2)
            loss = (y_pred - y).pow(2).sum()
            loss.item()
            loss.backward()
            with torch.no_grad():
                w1.sub_(1e-6 * w1.grad)
                w2.sub_(1e-6 * w2.grad)
                w1.grad = None
                w2.grad = None
        return step
    return make


def sequential():
    return torch.nn.Sequential(torch.nn.Linear(1000, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))


def nn_manual():
    x, y = data()
    model = sequential()
    loss_fn = torch.nn.MSELoss(reduction="sum")

    def step():
        loss = loss_fn(model(x), y)
        loss.item()
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p.sub_(1e-4 * p.grad)
    return step


class TwoLayerNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1, self.linear2 = torch.nn.Linear(1000, 100), torch.nn.Linear(100, 10)

    def forward(self, x):
        return self.linear2(self.linear1(x).clamp(min=0))


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.input_linear = torch.nn.Linear(1000, 100)
        self.middle_linear = torch.nn.Linear(100, 100)
        self.output_linear = torch.nn.Linear(100, 10)

    def forward(self, x):
        h_relu = self.input_linear(x).clamp(min=0)
        for _ in range(random.randint(0, 3)):
            h_relu = self.middle_linear(h_relu).clamp(min=0)
        return self.output_linear(h_relu)


def with_optimizer(make_model, make_opt):
    def make():
        x, y = data()
        model = make_model()
        opt = make_opt(model.parameters())
        loss_fn = torch.nn.MSELoss(reduction="sum")

        def step():
            loss = loss_fn(model(x), y)
            loss.item()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return step
    return make


def images(shape):
    """Synthetic data of Fashion-MNIST's shape (pixels uniform in [0, 1), labels uniform over 10 classes), as Kiln.Bench uses."""
    torch.manual_seed(0)
    return torch.rand(*shape), torch.randint(0, 10, (shape[0],))


def classifier(make_model, shape, make_opt):
    def make():
        x, y = images(shape)
        model = make_model()
        opt = make_opt(model.parameters())
        loss_fn = torch.nn.CrossEntropyLoss()

        def step():
            loss = loss_fn(model(x), y)
            loss.item()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return step
    return make


def fmnist_mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))


def small_cnn():  # RESULTS.md W6
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 7 * 7, 10))


STEPS = {
    "linreg (batch 10)": linreg,
    "two-layer tensor manual": tensor_manual,
    "two-layer autograd": autograd(lambda h: h.clamp(min=0)),
    "two-layer MyReLU": autograd(MyReLU.apply),
    "two-layer nn manual": nn_manual,
    "two-layer nn + Adam": with_optimizer(sequential, lambda p: torch.optim.Adam(p, lr=1e-4)),
    "two-layer custom module": with_optimizer(TwoLayerNet, lambda p: torch.optim.SGD(p, lr=1e-4)),
    "two-layer dynamic net": with_optimizer(DynamicNet, lambda p: torch.optim.SGD(p, lr=1e-4, momentum=0.9)),
    "fmnist mlp (batch 64)": classifier(fmnist_mlp, (64, 784), lambda p: torch.optim.SGD(p, lr=0.1)),
    "softmax regression (batch 256)": classifier(lambda: torch.nn.Linear(784, 10), (256, 784), lambda p: torch.optim.SGD(p, lr=0.1)),
    "cnn (batch 128)": classifier(small_cnn, (128, 1, 28, 28), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
}

GEMMS = [  # (label, M, K, N, transpose A, transpose B), as in GemmBenchmarks.cs
    ("512x512x512", 512, 512, 512, False, False),
    ("64x1000x100", 64, 1000, 100, False, False),
    ("64x1000x100 Bᵀ", 64, 1000, 100, False, True),
    ("1000x64x100 Aᵀ", 1000, 64, 100, True, False),
    ("100x64x1000 Aᵀ", 100, 64, 1000, True, False),
    ("64x100x1000", 64, 100, 1000, False, False),
]


def main():
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(f"warning: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} limits OpenBLAS; unset it", file=sys.stderr)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pytorch_reference.json")
    only = sys.argv[1:]
    unknown = [name for name in only if name not in STEPS]
    if unknown:
        sys.exit(f"unknown workload(s) {unknown}; known: {list(STEPS)}")
    results = {}
    if only and os.path.exists(path):
        with open(path) as f:
            results = json.load(f)
    print(f"torch {torch.__version__}, 1 thread")
    for label, m, k, n, ta, tb in ([] if only else GEMMS):
        a = torch.randn(k, m).t() if ta else torch.randn(m, k)
        b = torch.randn(n, k).t() if tb else torch.randn(k, n)
        out = torch.empty(m, n)
        seconds = time_step(lambda: torch.mm(a, b, out=out))
        print(f"  gemm {label:18} {seconds * 1e6:9.1f} µs {2 * m * n * k / seconds / 1e9:7.1f} GFLOP/s")
        results["gemm " + label] = seconds
    for name, make in STEPS.items():
        if only and name not in only:
            continue
        seconds = time_step(make())
        print(f"  {name:32} {seconds * 1e6:9.1f} µs")
        results[name] = seconds
    with open(path, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
