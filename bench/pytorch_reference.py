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


class RnnClassifier(torch.nn.Module):
    """RESULTS.md W5 (samples/RnnClassifier): Embedding(53, 10, pad 0) -> RNN(10, 20, 2 layers, batch_first) -> [N, 120] -> Linear(120, 3)."""
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(53, 10, padding_idx=0)
        self.rnn = torch.nn.RNN(10, 20, num_layers=2, batch_first=True)
        self.head = torch.nn.Linear(6 * 20, 3)

    def forward(self, tokens):
        output, _ = self.rnn(self.embedding(tokens))
        return self.head(output.reshape(-1, 6 * 20))


def rnn_classifier():
    """W5's step: batch 64 of 6 random tokens (1..52), labels uniform over 3 classes, Adam 1e-3, as Kiln.Bench uses."""
    torch.manual_seed(0)
    tokens, labels = torch.randint(1, 53, (64, 6)), torch.randint(0, 3, (64,))
    model = RnnClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        loss = loss_fn(model(tokens), labels)
        loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def small_cnn():  # RESULTS.md W6
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 7 * 7, 10))


def random_tree(rng, min_leaves=2, max_leaves=10):
    """samples/TreeLstm's trees: 2-10 leaves, each split uniform, leaves digits 0-4, node = (left - right) mod 5.
    Returns (leaf tokens, transitions in post-order: False = SHIFT, True = REDUCE, label)."""
    tokens, transitions = [], []

    def build(count):
        if count == 1:
            tokens.append(rng.randrange(5))
            transitions.append(False)
            return tokens[-1]
        split = rng.randrange(1, count)
        left, right = build(split), build(count - split)
        transitions.append(True)
        return (left - right) % 5
    label = build(rng.randint(min_leaves, max_leaves))
    return tokens, transitions, label


class Reduce(torch.nn.Module):
    """SPINN's reduce cell (samples/TreeLstm/ReduceCell.cs): five gates from left(lh) + right(rh)."""
    def __init__(self, size):
        super().__init__()
        self.left = torch.nn.Linear(size, 5 * size)
        self.right = torch.nn.Linear(size, 5 * size, bias=False)

    def forward(self, lh, lc, rh, rc):
        a, i, f1, f2, o = (self.left(lh) + self.right(rh)).chunk(5, 1)
        c = a.tanh() * i.sigmoid() + f1.sigmoid() * lc + f2.sigmoid() * rc
        return o.sigmoid() * c.tanh(), c


class Spinn(torch.nn.Module):
    """The PyTorch article's SPINN: per-example buffers and stacks of (h, c) rows, each transition step's REDUCEs
    batched into one cell call (torch.stack in, unbind out), as Kiln's Dynamic and Hybrid modes do."""
    def __init__(self, size=32):
        super().__init__()
        self.embed = torch.nn.Embedding(5, 16)
        self.leaf = torch.nn.Linear(16, 2 * size)
        self.reduce = Reduce(size)
        self.head = torch.nn.Linear(size, 5)
        self.size = size

    def forward(self, tokens, lengths, transitions):
        h, c = self.leaf(self.embed(tokens)).chunk(2, 1)
        hs, cs = h.unbind(0), c.unbind(0)
        buffers, start = [], 0
        for n in lengths:
            buffers.append(list(zip(hs[start:start + n], cs[start:start + n]))[::-1])  # pop() takes the next leaf
            start += n
        stacks = [[] for _ in lengths]
        for step in range(max(len(t) for t in transitions)):
            lefts, rights, reducing = [], [], []
            for b, trans in enumerate(transitions):
                if step >= len(trans):
                    continue
                if not trans[step]:
                    stacks[b].append(buffers[b].pop())
                    continue
                rights.append(stacks[b].pop())
                lefts.append(stacks[b].pop())
                reducing.append(b)
            if not reducing:
                continue
            lh, lc = torch.stack([s[0] for s in lefts]), torch.stack([s[1] for s in lefts])
            rh, rc = torch.stack([s[0] for s in rights]), torch.stack([s[1] for s in rights])
            nh, nc = self.reduce(lh, lc, rh, rc)
            for b, state in zip(reducing, zip(nh.unbind(0), nc.unbind(0))):
                stacks[b].append(state)
        return self.head(torch.stack([s[-1][0] for s in stacks]))


def tree_lstm():
    """samples/TreeLstm's step: batch 64, Adam 0.003, 16 batches of random trees cycled (Kiln.Bench's trees table)."""
    torch.manual_seed(0)
    rng = random.Random(1)
    batches = []
    for _ in range(16):
        trees = [random_tree(rng) for _ in range(64)]
        tokens = torch.tensor([t for tree in trees for t in tree[0]])
        batches.append((tokens, [len(tree[0]) for tree in trees], [tree[1] for tree in trees], torch.tensor([tree[2] for tree in trees])))
    model = Spinn()
    opt = torch.optim.Adam(model.parameters(), lr=0.003)
    loss_fn = torch.nn.CrossEntropyLoss()
    state = {"i": 0}

    def step():
        tokens, lengths, transitions, labels = batches[state["i"]]
        state["i"] = (state["i"] + 1) % len(batches)
        loss = loss_fn(model(tokens, lengths, transitions), labels)
        loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


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
    "rnn classifier (batch 64)": rnn_classifier,
    "tree-lstm spinn (batch 64)": tree_lstm,
}

GEMMS = [  # (label, M, K, N, transpose A, transpose B), as in GemmBenchmarks.cs
    ("512x512x512", 512, 512, 512, False, False),
    ("64x1000x100", 64, 1000, 100, False, False),
    ("64x1000x100 Bᵀ", 64, 1000, 100, False, True),
    ("1000x64x100 Aᵀ", 1000, 64, 100, True, False),
    ("100x64x1000 Aᵀ", 100, 64, 1000, True, False),
    ("64x100x1000", 64, 100, 1000, False, False),
]


def loaded_blas():
    """The BLAS shared libraries this process has mapped after a product (Debian's torch resolves libblas.so.3
    through alternatives: OpenBLAS only if libopenblas0-pthread is installed, else the slow reference BLAS)."""
    torch.mm(torch.randn(64, 64), torch.randn(64, 64))
    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(os.path.realpath(p) for p in paths)) or "none found"


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
    print(f"torch {torch.__version__}, 1 thread, BLAS: {loaded_blas()}")
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
