"""Milliseconds per DQN update of the Nature CNN in PyTorch on the CPU: the reference figure beside
the Java learner's (DJL on the same libtorch).

    .venv/bin/python python/bench/bench_learner.py [--threads 1] [--batch 32] [--dueling] [--huber]
        [--max-grad-norm 10] [--fused-adam] [--bf16] [--warmup-seconds 5] [--seconds 10] [--json]

One update is what a training loop does per gradient step, all of it timed: sample a batch of
indices, gather the uint8 stacks [B, 4, 84, 84] from a preallocated pool of POOL_SIZE stacks (as
replay sampling does; obs i's next obs is stack i + 1), wrap them as tensors, Double DQN targets
(online argmax, target network value) under no_grad, the TD loss, backward, optional gradient
clipping and an Adam step. The network is CleanRL's dqn_atari.py QNetwork (Mnih et al. 2015), the
uint8 -> float / 255 conversion inside forward; --dueling splits it after the convs into value and
advantage streams of 512 (Wang et al. 2016). Observations, actions, rewards and dones are random:
the speed of an update does not depend on them.

Prints the median and mean ms per update over --seconds (after --warmup-seconds of updates), and
the median ms of one greedy forward pass for INFERENCE_BATCH observations (acting in 8 envs).
"""

import argparse
import copy
import json
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# Hyperparameters (CleanRL dqn_atari.py's, except batch size and the clipping it does not have).
NUM_ACTIONS = 4  # Breakout's action set
FRAME_STACK = 4
FRAME_SIZE = 84
GAMMA = 0.99
LEARNING_RATE = 1e-4
ADAM_EPS_DEFAULT = 1e-8  # PyTorch's default; Dopamine uses 1.5e-4 / 32 = ~4.7e-6 (--adam-eps)
BATCH_SIZE_DEFAULT = 32
MAX_GRAD_NORM_DEFAULT = 10.0  # global L2 norm; 0 = no clipping
POOL_SIZE = 2048  # stacks in the sampling pool: 2048 * 4 * 84 * 84 B = 58 MB, beyond the caches
INFERENCE_BATCH = 8  # observations per greedy forward pass (one per env)
INFERENCE_SECONDS = 3.0  # measured after 1 s of warm-up
SEED = 1


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="torch intra- and inter-op threads")
    p.add_argument("--batch", type=int, default=BATCH_SIZE_DEFAULT, help="transitions per update")
    p.add_argument("--dueling", action="store_true", help="dueling heads instead of one MLP head")
    p.add_argument("--huber", action="store_true", help="smooth L1 (Huber) loss instead of MSE")
    p.add_argument("--max-grad-norm", type=float, default=MAX_GRAD_NORM_DEFAULT, help="0 = off")
    p.add_argument("--adam-eps", type=float, default=ADAM_EPS_DEFAULT)
    p.add_argument(
        "--fused-adam",
        action="store_true",
        help="torch.optim.Adam(fused=True), the kernel the Java agent uses; default: PyTorch's "
        "default Adam, as CleanRL runs it",
    )
    p.add_argument(
        "--bf16",
        action="store_true",
        help="mixed precision: the forward and backward passes under "
        "torch.autocast('cpu', dtype=torch.bfloat16), weights, Adam, targets and loss fp32",
    )
    p.add_argument("--warmup-seconds", type=float, default=5.0, help="updates run, not measured")
    p.add_argument("--seconds", type=float, default=10.0, help="updates measured")
    p.add_argument("--json", action="store_true", help="also print one JSON line at the end")
    return p.parse_args()


class QNetwork(nn.Module):
    """Nature DQN: three convs, then one 512-unit head or (dueling) value and advantage heads."""

    def __init__(self, num_actions, dueling):
        super().__init__()
        self.dueling = dueling
        self.convs = nn.Sequential(
            nn.Conv2d(FRAME_STACK, 32, 8, stride=4),
            nn.ReLU(),
            nn.Conv2d(32, 64, 4, stride=2),
            nn.ReLU(),
            nn.Conv2d(64, 64, 3, stride=1),
            nn.ReLU(),
            nn.Flatten(),  # 64 x 7 x 7 = 3136
        )
        if dueling:
            self.value = nn.Sequential(nn.Linear(3136, 512), nn.ReLU(), nn.Linear(512, 1))
            self.advantage = nn.Sequential(
                nn.Linear(3136, 512), nn.ReLU(), nn.Linear(512, num_actions)
            )
        else:
            self.head = nn.Sequential(nn.Linear(3136, 512), nn.ReLU(), nn.Linear(512, num_actions))

    def forward(self, x):
        h = self.convs(x.float() / 255.0)
        if not self.dueling:
            return self.head(h)
        a = self.advantage(h)
        return self.value(h) + a - a.mean(dim=1, keepdim=True)


def timed_ms(fn, seconds, warmup_seconds):
    """Calls fn() for warmup_seconds, then for seconds; returns the measured calls' times in ms."""
    end = time.perf_counter() + warmup_seconds
    while time.perf_counter() < end:
        fn()
    times = []
    end = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        fn()
        now = time.perf_counter()
        times.append((now - start) * 1e3)
        if now >= end:
            return times


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    # The pool a replay buffer would sample from: uint8 stacks, actions, rewards, dones.
    shape = (POOL_SIZE, FRAME_STACK, FRAME_SIZE, FRAME_SIZE)
    pool_obs = rng.integers(0, 256, size=shape, dtype=np.uint8)
    pool_actions = rng.integers(0, NUM_ACTIONS, size=POOL_SIZE, dtype=np.int64)
    pool_rewards = rng.choice(np.array([-1.0, 0.0, 1.0], dtype=np.float32), size=POOL_SIZE)
    pool_dones = (rng.random(POOL_SIZE) < 0.01).astype(np.float32)

    q_network = QNetwork(NUM_ACTIONS, args.dueling)
    target_network = copy.deepcopy(q_network).requires_grad_(False)
    optimizer = torch.optim.Adam(
        q_network.parameters(), lr=LEARNING_RATE, eps=args.adam_eps, fused=args.fused_adam or None
    )
    td_loss = F.smooth_l1_loss if args.huber else F.mse_loss

    def update():
        # sample: the gathers copy, as sampling from a replay buffer does
        idx = rng.integers(0, POOL_SIZE, size=args.batch)
        obs = torch.from_numpy(pool_obs[idx])
        next_obs = torch.from_numpy(pool_obs[(idx + 1) % POOL_SIZE])
        actions = torch.from_numpy(pool_actions[idx])
        rewards = torch.from_numpy(pool_rewards[idx])
        dones = torch.from_numpy(pool_dones[idx])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            # target: Double DQN
            with torch.no_grad():
                next_actions = q_network(next_obs).argmax(dim=1, keepdim=True)
                next_q = target_network(next_obs).float()
                next_values = next_q.gather(1, next_actions).squeeze(1)
                td_target = rewards + GAMMA * next_values * (1.0 - dones)
            # loss, in fp32 as autocast leaves it
            q_values = q_network(obs).float().gather(1, actions.unsqueeze(1)).squeeze(1)
        loss = td_loss(q_values, td_target)
        # step
        optimizer.zero_grad()
        loss.backward()
        if args.max_grad_norm > 0:
            nn.utils.clip_grad_norm_(q_network.parameters(), args.max_grad_norm)
        optimizer.step()

    def act():
        idx = rng.integers(0, POOL_SIZE, size=INFERENCE_BATCH)
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            return q_network(torch.from_numpy(pool_obs[idx])).argmax(dim=1).numpy()

    load = os.getloadavg()[0]
    heads = "dueling" if args.dueling else "plain"
    loss_name = "huber" if args.huber else "mse"
    print(
        f"torch {torch.__version__}, threads {args.threads}, batch {args.batch}, {heads}, "
        f"{loss_name}, max_grad_norm {args.max_grad_norm:g}, adam_eps {args.adam_eps:g}"
        f"{' (fused)' if args.fused_adam else ''}{', autocast bf16' if args.bf16 else ''}; "
        f"nproc {os.cpu_count()}, load average {load:.2f}"
    )
    update_ms = timed_ms(update, args.seconds, args.warmup_seconds)
    median, mean = statistics.median(update_ms), statistics.fmean(update_ms)
    print(f"update: {median:.2f} ms median, {mean:.2f} ms mean over {len(update_ms)} updates")
    act_ms = timed_ms(act, INFERENCE_SECONDS, 1.0)
    act_median = statistics.median(act_ms)
    print(f"inference: {act_median:.3f} ms median per greedy forward of {INFERENCE_BATCH} obs")

    if args.json:
        result = {
            "framework": "pytorch",
            "torch": torch.__version__,
            "threads": args.threads,
            "batch": args.batch,
            "dueling": args.dueling,
            "precision": "bf16" if args.bf16 else "fp32",
            "ms_per_update_median": round(median, 3),
            "ms_per_update_mean": round(mean, 3),
            "updates": len(update_ms),
            "huber": args.huber,
            "max_grad_norm": args.max_grad_norm,
            "inference_batch": INFERENCE_BATCH,
            "ms_per_inference_median": round(act_median, 4),
            "nproc": os.cpu_count(),
            "loadavg_1m": round(load, 2),
        }
        print(json.dumps(result))


if __name__ == "__main__":
    main()
