"""The Java learner's TorchScript update (agent/.../dqn_update.pt) against PyTorch written the usual
way: the same Dueling Nature CNN as an nn.Module, Double DQN targets under no_grad, smooth L1,
clip_grad_norm_, torch.optim.Adam(fused=True), and for bf16 torch.autocast. The committed module
must be what agent/src/main/torchscript/dqn_update.py generates, and one update through it must
leave the same weights as the reference update: in fp32 to float rounding, in bf16 to
bf16 rounding of the same ops (the kernel casts by hand where autocast casts)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "agent" / "src" / "main" / "torchscript" / "dqn_update.py"
MODULE = ROOT / "agent" / "src" / "main" / "resources" / "io" / "gymbridge" / "agent" / "dqn"
ACTIONS = 4
BATCH = 16
LR, BETAS, EPS, MAX_NORM, GAMMA = 1e-3, (0.9, 0.999), 1.5e-4, 10.0, 0.99


class DuelingCnn(nn.Module):
    """The Java QNetwork's dueling Nature CNN, parameters in its block order."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(4, 32, 8, stride=4)
        self.c2 = nn.Conv2d(32, 64, 4, stride=2)
        self.c3 = nn.Conv2d(64, 64, 3, stride=1)
        self.v1, self.v2 = nn.Linear(64, 512), nn.Linear(512, 1)  # 36x36 input: 64 features
        self.a1, self.a2 = nn.Linear(64, 512), nn.Linear(512, ACTIONS)

    def forward(self, x):
        h = x.float() / 255.0
        h = F.relu(self.c3(F.relu(self.c2(F.relu(self.c1(h)))))).flatten(1)
        v = self.v2(F.relu(self.v1(h)))
        a = self.a2(F.relu(self.a1(h)))
        return v + a - a.mean(1, keepdim=True)


def batch(seed):
    g = torch.Generator().manual_seed(seed)
    obs = torch.randint(0, 256, (BATCH, 4, 36, 36), dtype=torch.uint8, generator=g)
    nxt = torch.randint(0, 256, (BATCH, 4, 36, 36), dtype=torch.uint8, generator=g)
    actions = torch.randint(0, ACTIONS, (BATCH,), generator=g)
    rewards = torch.randint(-1, 2, (BATCH,), generator=g).float()
    discounts = torch.where(torch.rand(BATCH, generator=g) < 0.1, 0.0, GAMMA**3)
    return obs, nxt, actions, rewards, discounts


def reference_step(online, target, b, bf16):
    obs, nxt, actions, rewards, discounts = b
    opt = torch.optim.Adam(online.parameters(), lr=LR, betas=BETAS, eps=EPS, fused=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        with torch.no_grad():
            best = online(nxt).float().argmax(1, keepdim=True)
            y = rewards + discounts * target(nxt).float().gather(1, best).squeeze(1)
        q = online(obs).float().gather(1, actions.unsqueeze(1)).squeeze(1)
    loss = F.smooth_l1_loss(q, y)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(online.parameters(), MAX_NORM)
    opt.step()
    return loss.item(), (q - y).detach()


def kernel_step(kernel, online, target, b, precision, fork):
    obs, nxt, actions, rewards, discounts = b
    params = [p.detach().clone().requires_grad_(True) for p in online.parameters()]
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    switches = torch.tensor([1, 1, 1, 1, precision, int(fork)], dtype=torch.int64)
    settings = torch.tensor([1.0, 1.0, LR, *BETAS, EPS, MAX_NORM], dtype=torch.float64)
    tparams = [p.detach() for p in target.parameters()]
    weights = torch.ones(BATCH)
    loss, _, errors, _ = kernel(
        params, tparams, m, v, obs, nxt, actions, rewards, discounts, weights, switches, settings
    )
    return loss.item(), errors, params


@pytest.fixture(scope="module")
def kernel():
    return torch.jit.load(str(MODULE / "dqn_update.pt"))


def test_the_committed_module_is_what_the_script_generates():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("bf16", [False, True], ids=["fp32", "bf16"])
def test_one_update_leaves_the_weights_a_pytorch_update_leaves(kernel, bf16):
    torch.manual_seed(3)
    online = DuelingCnn()
    target = copy.deepcopy(online)
    with torch.no_grad():  # the target differs from the online network, as between copies
        for p in target.parameters():
            p.add_(0.01 * torch.randn_like(p))
    b = batch(4)
    loss, errors, params = kernel_step(kernel, online, target, b, 1 if bf16 else 0, False)
    ref_loss, ref_errors = reference_step(online, target, b, bf16)
    rtol = 2e-2 if bf16 else 1e-5
    assert loss == pytest.approx(ref_loss, rel=rtol)
    torch.testing.assert_close(errors, ref_errors, rtol=rtol, atol=1e-5)
    for got, want in zip(params, online.parameters(), strict=True):
        # Adam's first step moves each weight by about lr: compare the steps, not the weights.
        torch.testing.assert_close(got.detach(), want.detach(), rtol=0, atol=LR * 0.05)


def test_forking_the_target_changes_nothing(kernel):
    torch.manual_seed(5)
    online = DuelingCnn()
    target = copy.deepcopy(online)
    b = batch(6)
    loss_a, errors_a, params_a = kernel_step(kernel, online, target, b, 0, False)
    loss_b, errors_b, params_b = kernel_step(kernel, online, target, b, 0, True)
    assert loss_a == loss_b
    assert torch.equal(errors_a, errors_b)
    for a, c in zip(params_a, params_b, strict=True):
        assert torch.equal(a, c)


@pytest.mark.parametrize(("dueling", "flops"), [(False, 2_780_692_480), (True, 3_294_658_560)])
def test_the_java_count_of_an_updates_work_is_pytorchs(dueling, flops):
    """bench-learner's GFLOP figure (DqnLearner.flopsPerUpdate, NatureCnnTest holds it to these
    numbers) is what PyTorch's FlopCounterMode counts for one Double DQN update of batch 32 of the
    84x84 Nature CNN (python/bench/bench_learner.py's network and update)."""
    from torch.utils.flop_counter import FlopCounterMode

    sys.path.insert(0, str(ROOT / "python" / "bench"))
    try:
        import bench_learner
    finally:
        sys.path.pop(0)
    online = bench_learner.QNetwork(ACTIONS, dueling)
    target = copy.deepcopy(online).requires_grad_(False)
    obs = torch.randint(0, 256, (32, 4, 84, 84), dtype=torch.uint8)
    actions = torch.randint(0, ACTIONS, (32,))
    with FlopCounterMode(display=False) as counter:
        with torch.no_grad():
            best = online(obs).argmax(1, keepdim=True)
            next_q = target(obs).gather(1, best).squeeze(1)
        q = online(obs).gather(1, actions.unsqueeze(1)).squeeze(1)
        F.smooth_l1_loss(q, next_q).backward()
    assert counter.get_total_flops() == flops
