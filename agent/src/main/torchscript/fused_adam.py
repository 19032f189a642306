"""Writes fused_adam.pt, the TorchScript module that io.gymbridge.agent.dqn.Adam runs for its update.

    .venv/bin/python agent/src/main/torchscript/fused_adam.py

Why: DJL's Java API reaches one Adam kernel (adamUpdate), some ten ATen ops per parameter, about 28
passes over memory per step. PyTorch's own fused kernel (torch._fused_adam_, the one behind
torch.optim.Adam(fused=True), on CPU and CUDA) reads p, g, m, v once and writes p, m, v once, for
all parameters in one call. DJL runs TorchScript modules, so this module is the bridge: it holds no
state and no parameters, only the call. The output is committed (a few KB of zipped TorchScript
source) so that building the agent needs no Python; rerun this script after changing it.

The update is torch.optim.Adam's with amsgrad, maximize and weight decay off:
    m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
    p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
"""

import os
from typing import List

import torch
from torch import Tensor

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "resources", "io", "gymbridge", "agent", "dqn", "fused_adam.pt",
)


class FusedAdam(torch.nn.Module):
    def forward(
        self,
        params: List[Tensor],
        grads: List[Tensor],
        exp_avgs: List[Tensor],
        exp_avg_sqs: List[Tensor],
        step: float,
        lr: float,
        beta1: float,
        beta2: float,
        eps: float,
    ) -> int:
        """One update of every parameter in place; step is t, counted from 1. Returns the count
        of parameters updated (TorchScript wants a return value that DJL can read)."""
        with torch.no_grad():
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
        return len(params)


if __name__ == "__main__":
    os.makedirs(os.path.dirname(os.path.normpath(OUT)), exist_ok=True)
    module = torch.jit.script(FusedAdam())
    torch.jit.save(module, os.path.normpath(OUT))
    print(f"wrote {os.path.normpath(OUT)} (torch {torch.__version__})")
