#!/usr/bin/python3
"""PyTorch reference cases for the activations Kiln added (leaky_relu, gelu, softplus, elu).

Writes one JSON file per case beside this script, in the format of ../shared/fixtures/README.md: float32 inputs and
upstream written exactly (Python's repr of the float32 value), outputs and gradients computed by PyTorch in float64
from those exact values (12 significant digits), L = sum(out * upstream), meta.f32_err = PyTorch's own float32 run
against that reference. Run with the Debian python3-torch (1.13): /usr/bin/python3 make_activation_fixtures.py
"""
import json
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 1234


def away_from(x, points, gap):
    """Moves values within `gap` of any of `points` (kinks of the function) out to that distance."""
    for p in points:
        d = x - p
        near = d.abs() < gap
        x = torch.where(near, p + torch.where(d >= 0, torch.full_like(x, gap), torch.full_like(x, -gap)), x)
    return x


def tensor_json(t, exact):
    data = t.detach().reshape(-1).tolist()
    if exact:
        text = ",".join(repr(float(v)) for v in data)
    else:
        text = ",".join(format(float(v), ".12g") for v in data)
    return '{"shape": %s, "dtype": "float32", "data": [%s]}' % (json.dumps(list(t.shape)), text)


def section(name, tensors, exact, last=False):
    if not tensors:
        return ' "%s": {}%s\n' % (name, "" if last else ",")
    lines = ' "%s": {\n' % name
    items = list(tensors.items())
    for i, (k, v) in enumerate(items):
        lines += '  "%s": %s%s\n' % (k, tensor_json(v, exact), "," if i < len(items) - 1 else "")
    return lines + " }%s\n" % ("" if last else ",")


def case(op, name, attrs, torch_call, fn, x):
    x = x.to(torch.float32)
    upstream = torch.randn(x.shape, dtype=torch.float32)
    # float64 reference from the exact float32 values
    x64 = x.double().requires_grad_()
    out64 = fn(x64)
    (out64 * upstream.double()).sum().backward()
    # PyTorch's own float32 run
    x32 = x.clone().requires_grad_()
    out32 = fn(x32)
    (out32 * upstream).sum().backward()
    errs = [(out32.double() - out64).abs().max().item(), (x32.grad.double() - x64.grad).abs().max().item()]
    ref_max = max(out64.abs().max().item(), x64.grad.abs().max().item())
    meta = {
        "compute_dtype": "float64",
        "torch": torch.__version__,
        "f32_err": {"max_abs": max(errs), "max_abs_over_max_ref": max(errs) / ref_max if ref_max else 0.0},
        "loss": "L = sum_k sum(output[k] * upstream[k]) over the outputs listed in upstream",
        "set": "kiln-runtime",
    }
    text = "{\n"
    text += ' "op": %s,\n "case": %s,\n' % (json.dumps(op), json.dumps(name))
    text += ' "attrs": %s,\n' % json.dumps(attrs, indent=1).replace("\n", "\n ")
    text += ' "torch_call": %s,\n' % json.dumps(torch_call)
    text += section("inputs", {"x": x}, exact=True)
    text += section("params", {}, exact=True)
    text += section("output", {"out": out64}, exact=False)
    text += section("upstream", {"out": upstream}, exact=True)
    text += section("grads", {"x": x64.grad}, exact=False)
    text += ' "meta": %s\n}\n' % json.dumps(meta, indent=1).replace("\n", "\n ")
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        f.write(text)


def main():
    torch.manual_seed(SEED)
    kink = lambda shape, scale=2.0: away_from(torch.randn(shape) * scale, [0.0], 0.05)

    case("leaky_relu", "leaky_relu", {"negative_slope": 0.01}, "F.leaky_relu(x, negative_slope=0.01)  # no input near 0",
         lambda t: F.leaky_relu(t, 0.01), kink((3, 4)))
    case("leaky_relu", "leaky_relu_slope0.2", {"negative_slope": 0.2}, "F.leaky_relu(x, negative_slope=0.2)  # no input near 0",
         lambda t: F.leaky_relu(t, 0.2), kink((2, 3, 4)))

    x = torch.cat([torch.randn(20) * 2.5, torch.tensor([-6.0, -4.5, -3.0, -1e-3, 1e-3, 3.0, 4.5, 6.0])]).reshape(4, 7)
    case("gelu", "gelu", {"approximate": "none"}, "F.gelu(x, approximate='none')", lambda t: F.gelu(t, approximate="none"), x)
    x = torch.cat([torch.randn(20) * 2.5, torch.tensor([-6.0, -4.5, -3.0, -1e-3, 1e-3, 3.0, 4.5, 6.0])]).reshape(4, 7)
    case("gelu", "gelu_tanh", {"approximate": "tanh"}, "F.gelu(x, approximate='tanh')", lambda t: F.gelu(t, approximate="tanh"), x)

    x = torch.cat([torch.randn(16) * 3.0, torch.tensor([-30.0, -12.0, 12.0, 25.0])]).reshape(4, 5)
    case("softplus", "softplus", {"beta": 1, "threshold": 20}, "F.softplus(x, beta=1, threshold=20)",
         lambda t: F.softplus(t, beta=1, threshold=20), x)
    # beta * x > threshold (x > 2.5) for several inputs; none near the switch point
    x = away_from(torch.cat([torch.randn(14) * 2.0, torch.tensor([2.7, 3.5, 5.0, 9.0, -3.0, -7.0])]), [2.5], 0.1).reshape(4, 5)
    case("softplus", "softplus_beta2_threshold5", {"beta": 2, "threshold": 5}, "F.softplus(x, beta=2, threshold=5)  # no input near x = 2.5",
         lambda t: F.softplus(t, beta=2, threshold=5), x)

    case("elu", "elu", {"alpha": 1.0}, "F.elu(x, alpha=1.0)  # no input near 0", lambda t: F.elu(t, alpha=1.0), kink((3, 5)))
    case("elu", "elu_alpha0.5", {"alpha": 0.5}, "F.elu(x, alpha=0.5)  # no input near 0", lambda t: F.elu(t, alpha=0.5), kink((2, 2, 5)))

    # saturating on both sides: exp(-x) overflows float32 for x < -88
    x = torch.cat([torch.randn(16) * 3.0, torch.tensor([-100.0, -20.0, 20.0, 100.0])]).reshape(4, 5)
    case("silu", "silu", {}, "F.silu(x)", F.silu, x)


if __name__ == "__main__":
    main()
