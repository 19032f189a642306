"""Writes dqn_update.pt, the TorchScript module behind io.gymbridge.agent.dqn.UpdateKernel: the
Q-network's forward pass and the whole DQN update, each one native call.

    .venv/bin/python agent/src/main/torchscript/dqn_update.py [--check]

Why one call: DJL's Java API runs a network op by op (some 40 JNI calls for the Nature CNN's update,
each with its own temporaries), has no mixed precision for its blocks, and cannot run two parts of
an update side by side. In one TorchScript call the update is:

    fork:  y = r + discount * Q_target(s', argmax_a Q_online(s', a))   (or max_a Q_target(s', a))
    main:  q = Q_online(s, a)        (with autograd; the fork runs beside it on the inter-op pool)
           loss = mean(weight * huber_or_squared(q - y))
           g = clip(grad(loss, params))   (global L2 norm, as clip_grad_norm_)
           Adam: PyTorch's fused kernel (torch.optim.Adam(fused=True)), p, m, v in place

Precision (the `precision` argument): 0 fp32; 1 bf16 and 2 fp16 are mixed precision as
torch.autocast does it: convolutions and linear layers (inputs and weights cast on the fly) and
the activations between them run in the low type, while the parameters, Adam's moments, the
target y, the loss and the gradients stay fp32 (casting is differentiable, so the gradient of an
fp32 weight is fp32). fp16 adds loss scaling, as torch.amp.GradScaler: the loss is multiplied by
loss_scale before the backward pass, the gradients divided by it after, and a step whose gradients
are not finite is skipped (the caller halves the scale; see UpdateKernel).

The parameters are the Java QNetwork's, in its block order: the MLP's Linear layers (weight then
bias), the last one (or, dueling, the last two: value then advantage) without ReLU; the Nature
CNN's three convolutions (stride 4, 2, 1) then one head or, dueling, the value and advantage
streams of two Linear layers each. Observations are float32 vectors (MLP) or uint8 images scaled to
[0, 1] here, on the device (CNN).

The module holds no state and no parameters, only code. Its output is committed (a few KB of
zipped TorchScript source) so that building the agent needs no Python; rerun this script after
changing it. --check compares the committed file's code with what this script generates and exits
1 when they differ (python/tests/test_torchscript_kernels.py runs it).
"""

import io
import os
import sys
import zipfile
from typing import List, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

OUT = os.path.normpath(
    os.path.join(
        os.path.dirname(os.path.abspath(__file__)),
        "..",
        "resources",
        "io",
        "gymbridge",
        "agent",
        "dqn",
        "dqn_update.pt",
    )
)

# Precision codes (UpdateKernel.Precision's): 0 fp32, 1 bf16, 2 fp16. TorchScript functions cannot
# read module-level constants, so the code below spells them as literals.


def compute_type(precision: int) -> torch.dtype:
    if precision == 1:  # bf16
        return torch.bfloat16
    if precision == 2:  # fp16
        return torch.float16
    return torch.float32


def cast(p: Tensor, dtype: torch.dtype) -> Tensor:
    return p if p.dtype == dtype else p.to(dtype)


def linear(h: Tensor, params: List[Tensor], i: int, dtype: torch.dtype) -> Tensor:
    return F.linear(h, cast(params[i], dtype), cast(params[i + 1], dtype))


def inputs(obs: Tensor, cnn: bool) -> Tensor:
    """What q_values_of takes: the CNN's uint8 frames as float32 in [0, 1], the MLP's
    observations as they are."""
    return obs.to(torch.float32).div(255.0) if cnn else obs


def q_values(params: List[Tensor], obs: Tensor, cnn: bool, dueling: bool, precision: int) -> Tensor:
    """Q-values [n, actions], fp32, of observations [n, ...]."""
    return q_values_of(params, inputs(obs, cnn), cnn, dueling, precision)


def q_values_of(
    params: List[Tensor], x: Tensor, cnn: bool, dueling: bool, precision: int
) -> Tensor:
    """Q-values [n, actions], fp32, of inputs(observations)."""
    dtype = compute_type(precision)
    if cnn:
        h = cast(x, dtype)
        h = F.relu(F.conv2d(h, cast(params[0], dtype), cast(params[1], dtype), 4))
        h = F.relu(F.conv2d(h, cast(params[2], dtype), cast(params[3], dtype), 2))
        h = F.relu(F.conv2d(h, cast(params[4], dtype), cast(params[5], dtype), 1))
        h = h.flatten(1)
        if dueling:
            value = linear(F.relu(linear(h, params, 6, dtype)), params, 8, dtype)
            advantage = linear(F.relu(linear(h, params, 10, dtype)), params, 12, dtype)
            q = value + advantage - advantage.mean(1, keepdim=True)
        else:
            q = linear(F.relu(linear(h, params, 6, dtype)), params, 8, dtype)
    else:
        h = cast(x, dtype)
        heads = 4 if dueling else 2  # parameters of the output layer(s)
        i = 0
        while i < len(params) - heads:
            h = F.relu(linear(h, params, i, dtype))
            i += 2
        if dueling:
            value = linear(h, params, i, dtype)
            advantage = linear(h, params, i + 2, dtype)
            q = value + advantage - advantage.mean(1, keepdim=True)
        else:
            q = linear(h, params, i, dtype)
    return q.to(torch.float32)


def td_target(
    online: List[Tensor],
    target: List[Tensor],
    next_obs: Tensor,
    rewards: Tensor,
    discounts: Tensor,
    cnn: bool,
    dueling: bool,
    double_dqn: bool,
    precision: int,
) -> Tensor:
    """r + discount * Q_target(s', a'), fp32, no gradient; a' the online (Double DQN) or the
    target network's argmax."""
    with torch.no_grad():
        x = inputs(next_obs, cnn)  # converted once for both networks
        next_q = q_values_of(target, x, cnn, dueling, precision)
        if double_dqn:
            best = q_values_of(online, x, cnn, dueling, precision).argmax(1, keepdim=True)
            next_value = next_q.gather(1, best).squeeze(1)
        else:
            next_value = next_q.max(1)[0]
        return rewards + discounts * next_value


def gradients(loss: Tensor, params: List[Tensor]) -> List[Tensor]:
    """d loss / d params as fresh tensors: nothing accumulates in .grad, nothing needs zeroing."""
    grads: List[Tensor] = []
    for g in torch.autograd.grad([loss], params):
        if g is None:
            raise RuntimeError("a parameter does not take part in the loss")
        grads.append(g)
    return grads


def adam(
    params: List[Tensor],
    grads: List[Tensor],
    exp_avgs: List[Tensor],
    exp_avg_sqs: List[Tensor],
    step: float,
    lr: float,
    beta1: float,
    beta2: float,
    eps: float,
    max_norm: float,
    skip_non_finite: bool,
) -> Tensor:
    """Clips grads to a global L2 norm of max_norm (when > 0) and takes one Adam step (t = step)
    in place. With skip_non_finite (fp16), gradients that are not finite change nothing. Returns
    the norm before clipping (-1 when it was not needed)."""
    with torch.no_grad():
        norm = torch.full([], -1.0, dtype=torch.float32, device=params[0].device)
        if max_norm > 0 or skip_non_finite:
            norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
            if skip_non_finite and not bool(torch.isfinite(norm)):
                return norm
        if max_norm > 0:
            torch._foreach_mul_(grads, torch.clamp(max_norm / (norm + 1e-6), max=1.0))
        # The fused kernel reads t from one float tensor per parameter, on its device.
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


class DqnUpdate(torch.nn.Module):
    def forward(
        self,
        online: List[Tensor],
        target: List[Tensor],
        exp_avgs: List[Tensor],
        exp_avg_sqs: List[Tensor],
        obs: Tensor,
        next_obs: Tensor,
        actions: Tensor,
        rewards: Tensor,
        discounts: Tensor,
        weights: Tensor,
        switches: Tensor,
        settings: Tensor,
    ) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """One DQN update. Autograd must be on: DJL turns it on for a module run in training
        mode, and TorchScript cannot. DJL passes a training run's arguments as tensors and lists
        of tensors only, so the scalars come in two CPU tensors: switches (int64) [cnn, dueling,
        double_dqn, huber, precision, fork_target] and settings (float64) [loss_scale, step, lr,
        beta1, beta2, eps, max_norm]. Returns the loss, the mean Q(s, a), the TD errors q - y [n]
        (all fp32, detached) and the gradients' norm before clipping (-1: not computed); the norm
        is not finite when an fp16 step was skipped."""
        cnn = bool(switches[0])
        dueling = bool(switches[1])
        double_dqn = bool(switches[2])
        huber = bool(switches[3])
        precision = int(switches[4])
        fork_target = bool(switches[5])
        loss_scale = float(settings[0])
        step = float(settings[1])
        lr = float(settings[2])
        beta1 = float(settings[3])
        beta2 = float(settings[4])
        eps = float(settings[5])
        max_norm = float(settings[6])
        if fork_target:
            future = torch.jit.fork(
                td_target,
                online,
                target,
                next_obs,
                rewards,
                discounts,
                cnn,
                dueling,
                double_dqn,
                precision,
            )
            q = q_values(online, obs, cnn, dueling, precision).gather(1, actions.unsqueeze(1))
            y = torch.jit.wait(future)
        else:
            y = td_target(
                online, target, next_obs, rewards, discounts, cnn, dueling, double_dqn, precision
            )
            q = q_values(online, obs, cnn, dueling, precision).gather(1, actions.unsqueeze(1))
        q = q.squeeze(1)
        errors = q - y
        if huber:
            per_sample = F.smooth_l1_loss(q, y, reduction="none")
        else:
            per_sample = F.mse_loss(q, y, reduction="none")
        loss = (per_sample * weights).mean()
        fp16 = precision == 2
        scaled = loss * loss_scale if fp16 else loss
        grads = gradients(scaled, online)
        if fp16:
            torch._foreach_mul_(grads, 1.0 / loss_scale)
        norm = adam(
            online,
            grads,
            exp_avgs,
            exp_avg_sqs,
            step,
            lr,
            beta1,
            beta2,
            eps,
            max_norm,
            fp16,
        )
        return loss.detach(), q.detach().mean(), errors.detach(), norm

    @torch.jit.export
    def q_values(
        self, params: List[Tensor], obs: Tensor, cnn: bool, dueling: bool, precision: int
    ) -> Tensor:
        """Q-values [n, actions] (fp32) of observations [n, ...], without autograd."""
        with torch.no_grad():
            return q_values(params, obs, cnn, dueling, precision)

    @torch.jit.export
    def minimize(
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
        """The backward pass, clipping and Adam step for a loss recorded outside (the fp32 MLP's
        route, whose tiny layers run faster op by op from Java than through this interpreter).
        Returns the norm before clipping (-1 when clipping is off)."""
        grads = gradients(loss, params)
        return adam(
            params,
            grads,
            exp_avgs,
            exp_avg_sqs,
            step,
            lr,
            beta1,
            beta2,
            eps,
            max_norm,
            False,
        )

    @torch.jit.export
    def adam(
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
        max_norm: float,
    ) -> Tensor:
        """The update's clipping and Adam step alone, on given gradients (AdamTest checks it
        against the formula)."""
        return adam(
            params, grads, exp_avgs, exp_avg_sqs, step, lr, beta1, beta2, eps, max_norm, False
        )


def code_of(data: bytes) -> dict:
    """The TorchScript source files and constants inside a saved module: what it runs. The rest of
    the zip records versions, and its .debug_pkl files the path of the script that wrote it, which
    differ between checkouts."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {
            n.split("/", 1)[1]: z.read(n)
            for n in z.namelist()
            if n.endswith(".py") or n.endswith("/constants.pkl")
        }


def generate() -> bytes:
    buffer = io.BytesIO()
    torch.jit.save(torch.jit.script(DqnUpdate()), buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    data = generate()
    if "--check" in sys.argv:
        with open(OUT, "rb") as f:
            same = code_of(f.read()) == code_of(data)
        print(f"{OUT}: {'matches' if same else 'DIFFERS from'} {os.path.basename(__file__)}")
        sys.exit(0 if same else 1)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(data)
    print(f"wrote {OUT} (torch {torch.__version__})")
