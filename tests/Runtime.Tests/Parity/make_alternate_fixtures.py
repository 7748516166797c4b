#!/usr/bin/python3
"""An alternative fixture folder, to check that no runtime test depends on the public cases' seeds or shapes.

Copies every case of the public folder into OUT, then overwrites a handful of cases with the same name and format but
another seed and other shapes or sizes: layer_norm_last2 (normalized_shape [2, 5]), embedding_padding_idx and
embedding_nopad (other tables, padding row 2), adam (three params, four steps), sgd_momentum (three params, two steps),
max_dim1 ([4, 7]), mul_bcast_3d ([3, 2, 5] * [2, 1]), conv2d_s1_p1 (2 -> 4 channels on 5x5). Then run the runtime
tests against it:

    /usr/bin/python3 tests/Runtime.Tests/Parity/make_alternate_fixtures.py /tmp/kiln-alt-fixtures
    KILN_FIXTURES=/tmp/kiln-alt-fixtures dotnet test tests/Runtime.Tests -c Release

Float32 inputs, params and upstream are written exactly; outputs and gradients are PyTorch's float64 results from
those values (12 significant digits), as in ../shared/fixtures/README.md. Run with the Debian python3-torch (1.13).
"""
import json
import os
import shutil
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
PUBLIC = os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures", "public")
SEED = 4321


def tensor_json(t, exact):
    data = t.detach().reshape(-1).tolist()
    if t.dtype == torch.int64:
        return {"shape": list(t.shape), "dtype": "int64", "data": [int(v) for v in data]}
    values = [float(v) if exact else float(format(float(v), ".12g")) for v in data]
    return {"shape": list(t.shape), "dtype": "float32", "data": values}


def write(out, op, name, attrs, torch_call, inputs, params, outputs, upstream, grads, meta):
    case = {
        "op": op, "case": name, "attrs": attrs, "torch_call": torch_call,
        "inputs": {k: tensor_json(v, True) for k, v in inputs.items()},
        "params": {k: tensor_json(v, True) for k, v in params.items()},
        "output": {k: tensor_json(v, False) for k, v in outputs.items()},
        "upstream": {k: tensor_json(v, True) for k, v in upstream.items()},
        "grads": {k: tensor_json(v, False) for k, v in grads.items()},
        "meta": dict({"compute_dtype": "float64", "torch": torch.__version__, "set": "kiln-alternate", "seed": SEED}, **meta),
    }
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(case, f, indent=1)


def differentiable(out, op, name, attrs, torch_call, inputs, params, fn, no_upstream=()):
    """fn(**float64 tensors) -> dict of outputs; gradients of L = sum_k sum(out_k * upstream_k) for every float input and param."""
    leaves = {}
    for k, v in list(inputs.items()) + list(params.items()):
        leaves[k] = v.double().requires_grad_() if v.is_floating_point() else v
    outputs = fn(**leaves)
    upstream = {k: torch.randn(v.shape) for k, v in outputs.items() if k not in no_upstream}
    loss = sum((outputs[k] * u.double()).sum() for k, u in upstream.items())
    loss.backward()
    grads = {k: leaves[k].grad for k in leaves if v_is_float(leaves[k])}
    write(out, op, name, attrs, torch_call, inputs, params, outputs, upstream, grads, {"loss": "L = sum_k sum(output[k] * upstream[k])"})


def v_is_float(t):
    return t.is_floating_point()


def optimizer(out, op, name, attrs, torch_call, shapes, steps, make):
    params = {k: torch.randn(s) for k, s in shapes.items()}
    grads = {(k, p): torch.randn(shapes[p]) for k in range(1, steps + 1) for p in shapes}
    live = {p: v.double().clone().requires_grad_() for p, v in params.items()}
    opt = make(list(live.values()))
    outputs = {}
    for k in range(1, steps + 1):
        for p in shapes:
            live[p].grad = grads[(k, p)].double()
        opt.step()
        for p in shapes:
            outputs["step%d.%s" % (k, p)] = live[p].detach().clone()
    for p in shapes:
        for key, value in opt.state[live[p]].items():
            outputs["state.%s.%s" % (key, p)] = torch.as_tensor(value, dtype=torch.float64).detach().clone()
    inputs = {"grad.step%d.%s" % (k, p): grads[(k, p)] for k in range(1, steps + 1) for p in shapes}
    write(out, op, name, attrs, torch_call, inputs, params, outputs, {}, {}, {"steps": steps})


def main(out):
    os.makedirs(out, exist_ok=True)
    for file in os.listdir(PUBLIC):
        if file.endswith(".json"):
            shutil.copy(os.path.join(PUBLIC, file), out)
    torch.manual_seed(SEED)

    differentiable(out, "layer_norm", "layer_norm_last2", {"normalized_shape": [2, 5], "eps": 1e-5},
                   "F.layer_norm(x, [2, 5], weight, bias, eps=1e-5)",
                   {"x": torch.randn(3, 2, 5)}, {"weight": torch.randn(2, 5), "bias": torch.randn(2, 5)},
                   lambda x, weight, bias: {"out": F.layer_norm(x, [2, 5], weight, bias, eps=1e-5)})

    for name, rows, dim, pad, shape in (("embedding_padding_idx", 7, 3, 2, (2, 4)), ("embedding_nopad", 6, 5, None, (5,))):
        weight = torch.randn(rows, dim)
        if pad is not None:
            weight[pad] = 0
        indices = torch.randint(0, rows, shape)
        if pad is not None:
            indices.view(-1)[1] = pad
        differentiable(out, "embedding", name, {"num_embeddings": rows, "embedding_dim": dim, "padding_idx": pad},
                       "F.embedding(indices, weight, padding_idx=%s)" % pad, {"indices": indices}, {"weight": weight},
                       lambda indices, weight, pad=pad: {"out": F.embedding(indices, weight, padding_idx=pad)})

    x = (torch.randperm(28).float() * 0.25 - 3).reshape(4, 7)  # distinct: no ties
    differentiable(out, "max", "max_dim1", {"dim": 1, "keepdim": False}, "torch.max(x, dim=1, keepdim=False)", {"x": x}, {},
                   lambda x: dict(zip(("values", "indices"), torch.max(x, dim=1))), no_upstream=("indices",))

    differentiable(out, "mul", "mul_bcast_3d", {}, "torch.mul(a, b)", {"a": torch.randn(3, 2, 5), "b": torch.randn(2, 1)}, {},
                   lambda a, b: {"out": a * b})

    differentiable(out, "conv2d", "conv2d_s1_p1",
                   {"in_channels": 2, "out_channels": 4, "kernel_size": [3, 3], "stride": 1, "padding": 1, "bias": True},
                   "F.conv2d(x, weight, bias, stride=1, padding=1)",
                   {"x": torch.randn(1, 2, 5, 5)}, {"weight": torch.randn(4, 2, 3, 3), "bias": torch.randn(4)},
                   lambda x, weight, bias: {"out": F.conv2d(x, weight, bias, stride=1, padding=1)})

    optimizer(out, "adam", "adam", {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1e-08, "weight_decay": 0.0, "amsgrad": False},
              "torch.optim.Adam(params, lr=0.001)", {"w": (2, 5), "b": (5,), "v": (3,)}, 4,
              lambda ps: torch.optim.Adam(ps, lr=0.001))
    optimizer(out, "sgd", "sgd_momentum", {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
              "torch.optim.SGD(params, lr=0.1, momentum=0.9)", {"w": (4, 2), "b": (2,), "v": (3,)}, 2,
              lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/kiln-alt-fixtures")
