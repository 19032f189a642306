"""Writes adam_step.pt, the TorchScript module that io.gymbridge.agent.dqn.Adam runs for an update.

    .venv/bin/python agent/src/main/torchscript/adam_step.py

Why: DJL's Java API reaches one Adam kernel (adamUpdate), some ten ATen ops per parameter, about 28
passes over memory per step, and its backward accumulates into .grad buffers that must be zeroed
before the next step (two more passes). This module does the update as PyTorch does it, in one
call: torch.autograd.grad returns fresh gradients (nothing accumulated, nothing to zero, as
zero_grad(set_to_none=True)), clip_grad_norm_'s global-norm clipping, and PyTorch's fused Adam
kernel (torch._fused_adam_, the one behind torch.optim.Adam(fused=True) on CPU and CUDA), which
reads p, g, m, v once and writes p, m, v once for all parameters. DJL runs TorchScript modules, so
this module is the bridge: it holds no state and no parameters, only the calls. The output is
committed (a few KB of zipped TorchScript source) so that building the agent needs no Python;
rerun this script after changing it.

The update is torch.optim.Adam's with amsgrad, maximize and weight decay off:
    g = clip(grad(loss, params))   (scaled by min(1, max_norm / (||g|| + 1e-6)) when max_norm > 0)
    m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
    p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
"""

import os
from typing import List

import torch
from torch import Tensor

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "resources", "io", "gymbridge", "agent", "dqn", "adam_step.pt",
)


class AdamStep(torch.nn.Module):
    def forward(
        self,
        loss: Tensor,
        params: List[Tensor],
        exp_avgs: List[Tensor],
        exp_avg_sqs: List[Tensor],
        step: float,
        lr: float,
        beta1: float,
        beta2: float,
        eps: float,
        max_norm: float,
    ) -> Tensor:
        """Minimizes loss by one step; params, exp_avgs and exp_avg_sqs are updated in place, step
        is t counted from 1. Returns the gradients' global L2 norm before clipping, or -1 when
        max_norm <= 0 (clipping off: the norm is not computed)."""
        grads: List[Tensor] = []
        for g in torch.autograd.grad([loss], params):
            if g is None:
                raise RuntimeError("a parameter does not take part in the loss")
            grads.append(g)
        with torch.no_grad():
            norm = torch.full([], -1.0, dtype=torch.float32, device=loss.device)
            if max_norm > 0:
                norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
                torch._foreach_mul_(grads, torch.clamp(max_norm / (norm + 1e-6), max=1.0))
            # The kernel reads t from one float tensor per parameter, on its device.
            steps = [torch.full([], step, dtype=torch.float32, device=p.device) for p in params]
            torch._fused_adam_(
                params,
                grads,
                exp_avgs,
                exp_avg_sqs,
                [],
                steps,
                lr=lr,
                beta1=beta1,
                beta2=beta2,
                weight_decay=0.0,
                eps=eps,
                amsgrad=False,
                maximize=False,
            )
        return norm


if __name__ == "__main__":
    os.makedirs(os.path.dirname(os.path.normpath(OUT)), exist_ok=True)
    module = torch.jit.script(AdamStep())
    torch.jit.save(module, os.path.normpath(OUT))
    print(f"wrote {os.path.normpath(OUT)} (torch {torch.__version__})")
