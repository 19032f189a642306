"""DQN on CartPole-v1 in plain PyTorch, in CleanRL's shape (one file, every hyperparameter in Args),
over a gymbridge server: the envs run in the server's process (the Java env-server, or
`python -m gymbridge.serve`), this script only acts and learns.

    bin/env-server --port 50051                                    # terminal 1
    .venv/bin/python examples/python-dqn/dqn_cartpole.py           # terminal 2
    .venv/bin/python examples/python-dqn/dqn_cartpole.py --total-timesteps 50000 --seed 2

Differences from CleanRL's dqn.py, each for a reason: the envs come from gymbridge.make_vec (one
session of num_envs envs on the server, stepped as one), several envs per step (a step is a
round trip, so 4 envs cost about what 1 does), a schedule tuned to learn in 100k steps rather than
500k, one torch thread (a small MLP gains nothing from more, and the server needs a core),
progress lines instead of TensorBoard, and a greedy evaluation at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import gymbridge


def arg(default, doc: str):
    """One hyperparameter: its default and a one-line doc, which --help shows."""
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Args:
    address: str = arg("127.0.0.1:50051", "host:port of the gymbridge server that serves env_id")
    env_id: str = arg("CartPole-v1", "the env to learn: flat Box observations, Discrete actions")
    seed: int = arg(1, "seed of the network, exploration, replay sampling, envs (env i: seed+i)")
    total_timesteps: int = arg(100_000, "env steps in all (every env of the session counts)")
    num_envs: int = arg(4, "envs in the session, stepped as one batch (one round trip)")
    learning_rate: float = arg(1e-3, "Adam's learning rate")
    buffer_size: int = arg(50_000, "transitions the replay buffer holds")
    gamma: float = arg(0.99, "discount factor")
    tau: float = arg(1.0, "target network update rate (1.0: a hard copy)")
    target_network_frequency: int = arg(500, "env steps between target network updates")
    batch_size: int = arg(128, "transitions per gradient step")
    start_e: float = arg(1.0, "epsilon at the start of exploration")
    end_e: float = arg(0.05, "epsilon at the end of exploration")
    exploration_fraction: float = arg(0.2, "fraction of total_timesteps to anneal epsilon over")
    learning_starts: int = arg(1_000, "env steps before the first gradient step")
    train_frequency: int = arg(4, "env steps between gradient steps")
    torch_threads: int = arg(1, "torch intra-op threads (a small MLP gains nothing from more)")
    eval_episodes: int = arg(10, "greedy episodes played after training (0: none)")
    log_frequency: int = arg(5_000, "env steps between progress lines (0: none)")

    def __post_init__(self):
        for name in ("train_frequency", "target_network_frequency", "log_frequency"):
            steps = getattr(self, name)
            if steps % self.num_envs:
                raise ValueError(
                    f"{name}={steps} must be a multiple of num_envs={self.num_envs}: "
                    "every step of the session advances all envs at once"
                )


@dataclass
class Result:
    """What a run did: per finished episode (global step at its end, return, length), the TD loss
    every 100 gradient steps, env steps, wall seconds, and the greedy evaluation's returns."""

    episodes: list[tuple[int, float, int]]
    td_losses: list[float]
    global_step: int
    seconds: float
    eval_returns: list[float]

    def mean_return(self, last: int = 100) -> float:
        returns = [r for _, r, _ in self.episodes[-last:]]
        return float(np.mean(returns)) if returns else float("nan")


class QNetwork(nn.Module):
    def __init__(self, obs_size: int, num_actions: int):
        super().__init__()
        self.network = nn.Sequential(
            nn.Linear(obs_size, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_actions),
        )

    def forward(self, x):
        return self.network(x)


class ReplayBuffer:
    """A circular buffer of transitions. ``terminated`` is stored, not ``terminated or truncated``:
    an episode cut by the time limit did not end in the MDP, so its last transition still
    bootstraps from the next observation."""

    def __init__(self, capacity: int, obs_shape: tuple, obs_dtype, device: torch.device):
        self.obs = np.zeros((capacity, *obs_shape), dtype=obs_dtype)
        self.next_obs = np.zeros((capacity, *obs_shape), dtype=obs_dtype)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.terminated = np.zeros(capacity, dtype=np.float32)
        self.capacity, self.size, self.pos, self.device = capacity, 0, 0, device

    def add(self, obs, next_obs, actions, rewards, terminated):
        """One transition per env: arrays of num_envs rows."""
        i = (self.pos + np.arange(len(obs))) % self.capacity
        self.obs[i], self.next_obs[i], self.actions[i] = obs, next_obs, actions
        self.rewards[i], self.terminated[i] = rewards, terminated
        self.pos = (self.pos + len(obs)) % self.capacity
        self.size = min(self.size + len(obs), self.capacity)

    def sample(self, batch_size: int, rng: np.random.Generator):
        i = rng.integers(self.size, size=batch_size)

        def tensor(a):
            return torch.as_tensor(a[i], device=self.device)

        return (
            tensor(self.obs).float(),
            tensor(self.actions),
            tensor(self.rewards),
            tensor(self.next_obs).float(),
            tensor(self.terminated),
        )


def linear_schedule(start_e: float, end_e: float, duration: float, t: int) -> float:
    slope = (end_e - start_e) / duration
    return max(slope * t + start_e, end_e)


def train(args: Args) -> Result:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.torch_threads)
    device = torch.device("cpu")
    rng = np.random.default_rng(args.seed)

    # SAME_STEP autoreset, as Gymnasium 0.29's vector envs (which CleanRL's dqn.py is written for)
    # did it: an env whose episode ends is reset in the same step; next_obs holds the new episode's
    # first observation and infos["final_obs"] the old episode's last one, which is the
    # transition's real next observation.
    envs = gymbridge.make_vec(args.env_id, args.num_envs, args.address, autoreset_mode="SameStep")
    try:
        obs_space, num_actions = envs.single_observation_space, envs.single_action_space.n
        q_network = QNetwork(int(np.prod(obs_space.shape)), num_actions).to(device)
        optimizer = torch.optim.Adam(q_network.parameters(), lr=args.learning_rate)
        target_network = QNetwork(int(np.prod(obs_space.shape)), num_actions).to(device)
        target_network.load_state_dict(q_network.state_dict())
        rb = ReplayBuffer(args.buffer_size, obs_space.shape, obs_space.dtype, device)

        episodes, td_losses, updates = [], [], 0
        episode_return = np.zeros(args.num_envs)
        episode_length = np.zeros(args.num_envs, dtype=np.int64)
        start = time.perf_counter()
        obs, _ = envs.reset(seed=args.seed)
        global_step = 0
        for _ in range(args.total_timesteps // args.num_envs):
            global_step += args.num_envs
            epsilon = linear_schedule(
                args.start_e,
                args.end_e,
                args.exploration_fraction * args.total_timesteps,
                global_step,
            )
            with torch.no_grad():
                q_values = q_network(torch.as_tensor(obs, device=device).float())
            actions = torch.argmax(q_values, dim=1).cpu().numpy()
            explore = rng.random(args.num_envs) < epsilon
            actions[explore] = rng.integers(num_actions, size=int(explore.sum()))

            next_obs, rewards, terminations, truncations, infos = envs.step(actions)

            episode_return += rewards
            episode_length += 1
            # The replay buffer gets terminations as the "done" that stops bootstrapping: an
            # episode truncated by the time limit bootstraps from its real final observation.
            ended = np.flatnonzero(terminations | truncations)
            real_next_obs = next_obs.copy()
            for i in ended:
                real_next_obs[i] = infos["final_obs"][i]
                episodes.append((global_step, float(episode_return[i]), int(episode_length[i])))
                episode_return[i], episode_length[i] = 0, 0
            rb.add(obs, real_next_obs, actions, rewards, terminations)
            obs = next_obs

            if global_step > args.learning_starts:
                if global_step % args.train_frequency == 0:
                    b_obs, b_actions, b_rewards, b_next_obs, b_terminated = rb.sample(
                        args.batch_size, rng
                    )
                    with torch.no_grad():
                        target_max = target_network(b_next_obs).max(dim=1).values
                        td_target = b_rewards + args.gamma * target_max * (1 - b_terminated)
                    old_val = q_network(b_obs).gather(1, b_actions.unsqueeze(1)).squeeze(1)
                    loss = F.mse_loss(td_target, old_val)
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    if updates % 100 == 0:
                        td_losses.append(loss.item())
                    updates += 1

                if global_step % args.target_network_frequency == 0:
                    for target_param, q_param in zip(
                        target_network.parameters(), q_network.parameters(), strict=True
                    ):
                        target_param.data.copy_(
                            args.tau * q_param.data + (1.0 - args.tau) * target_param.data
                        )

            if args.log_frequency and global_step % args.log_frequency == 0:
                recent = [r for _, r, _ in episodes[-100:]]
                print(
                    f"step {global_step:>7}  episodes {len(episodes):>4}  "
                    f"return(last 100) {np.mean(recent) if recent else float('nan'):6.1f}  "
                    f"epsilon {epsilon:.2f}  td_loss {td_losses[-1] if td_losses else 0:.3f}  "
                    f"SPS {global_step / (time.perf_counter() - start):.0f}",
                    flush=True,
                )
        seconds = time.perf_counter() - start
    finally:
        envs.close()

    result = Result(episodes, td_losses, global_step, seconds, [])
    if args.eval_episodes:
        result.eval_returns = evaluate(q_network, args, device)
    return result


def evaluate(q_network: QNetwork, args: Args, device: torch.device) -> list[float]:
    """Greedy returns of eval_episodes episodes on one env of the same server."""
    env = gymbridge.make(args.env_id, args.address)
    returns = []
    try:
        for episode in range(args.eval_episodes):
            obs, _ = env.reset(seed=args.seed + 10_000 + episode)
            done, total = False, 0.0
            while not done:
                with torch.no_grad():
                    q = q_network(torch.as_tensor(obs, device=device).float().unsqueeze(0))
                obs, reward, terminated, truncated, _ = env.step(int(q.argmax(dim=1)))
                total += reward
                done = terminated or truncated
            returns.append(total)
    finally:
        env.close()
    return returns


def parse_args(argv=None) -> Args:
    """--flag-name for every field of Args, with its type, default and doc."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for f in dataclasses.fields(Args):
        p.add_argument(
            "--" + f.name.replace("_", "-"),
            type=type(f.default),
            default=f.default,
            help=f"{f.metadata['doc']} (default {f.default})",
        )
    return Args(**vars(p.parse_args(argv)))


def main(argv=None):
    args = parse_args(argv)
    print(args, flush=True)
    result = train(args)
    print(
        f"{result.global_step} steps, {len(result.episodes)} episodes in {result.seconds:.0f} s; "
        f"mean return of the last 100 episodes {result.mean_return():.1f}"
    )
    if result.eval_returns:
        print(
            f"greedy evaluation: mean return {np.mean(result.eval_returns):.1f} over "
            f"{len(result.eval_returns)} episodes"
        )


if __name__ == "__main__":
    main()
