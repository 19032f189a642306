"""Milliseconds of the Nature CNN's first convolution (8x8, stride 4, over 4 stacked 84x84 frames,
batch 32) in two layouts of the same sum, forward alone and forward with its weight gradient: why
the Java learner's update keeps the plain layout (docs/benchmarks.md, "Agent: Atari speed").

    .venv/bin/python python/bench/bench_conv1.py [--threads 1] [--repeats 15] [--rounds 2]

- stride 4: F.conv2d over the [32, 4, 84, 84] frames, as the update computes it.
- space-to-depth: each 4x4 block of a frame becomes 16 channels ([32, 64, 21, 21]) and the weight
  is rearranged alike ([32, 64, 2, 2]), so conv1 is a 2x2 convolution of stride 1. oneDNN's weight
  gradient of the stride-4 form costs several times its forward pass; this form's is cheaper,
  but its forward pass is slower and the rearranging costs a pass over the frames.

Rows: the rearranging alone (uint8), each layout's forward pass (the space-to-depth one on frames
rearranged beforehand) and forward with the weight gradient (the rearranging included). Each
figure is the median and the best of --repeats calls after 3 untimed ones; rounds alternate the
order. Weight gradients of the two layouts agree (printed: largest relative difference).
"""

import argparse
import time

import torch
import torch.nn.functional as F

BATCH, STACK, SIZE, FILTERS = 32, 4, 84, 32
BLOCKS = SIZE // 4  # 21 blocks of 4x4 pixels per side


def space_to_depth(frames: torch.Tensor) -> torch.Tensor:
    n = frames.shape[0]
    blocks = frames.reshape(n, STACK, BLOCKS, 4, BLOCKS, 4).permute(0, 1, 3, 5, 2, 4)
    return blocks.reshape(n, STACK * 16, BLOCKS, BLOCKS)


def weight_to_depth(w: torch.Tensor) -> torch.Tensor:
    taps = w.reshape(FILTERS, STACK, 2, 4, 2, 4).permute(0, 1, 3, 5, 2, 4)
    return taps.reshape(FILTERS, STACK * 16, 2, 2)


def timed(fn, repeats: int) -> tuple[float, float]:
    for _ in range(3):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return times[len(times) // 2], times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    frames = torch.randint(0, 256, (BATCH, STACK, SIZE, SIZE), dtype=torch.uint8)
    weight = (torch.randn(FILTERS, STACK, 8, 8) * 0.05).requires_grad_()
    bias = torch.zeros(FILTERS, requires_grad=True)
    rearranged = space_to_depth(frames).contiguous()

    def plain(x):
        return F.conv2d(x.to(torch.float32).div(255.0), weight, bias, 4)

    def to_depth(x):
        return F.conv2d(x.to(torch.float32).div(255.0), weight_to_depth(weight), bias, 1)

    def no_grad(fn):  # the forward rows run as the update's passes on s' do: no graph recorded
        def run():
            with torch.no_grad():
                return fn()

        return run

    def weight_grad(out):
        return torch.autograd.grad([out.relu().sum()], [weight])[0]

    difference = weight_grad(plain(frames)) - weight_grad(to_depth(space_to_depth(frames)))
    scale = weight_grad(plain(frames)).abs().max()
    print(
        f"threads {args.threads}; weight gradients differ by {difference.abs().max() / scale:.1e}"
    )
    cases = {
        "rearranging (uint8)": lambda: space_to_depth(frames).contiguous(),
        "stride 4, forward": no_grad(lambda: plain(frames)),
        "space-to-depth, forward": no_grad(lambda: to_depth(rearranged)),
        "stride 4, forward + weight grad": lambda: weight_grad(plain(frames)),
        "space-to-depth, forward + weight grad": lambda: weight_grad(
            to_depth(space_to_depth(frames))
        ),
    }
    for r in range(args.rounds):
        names = list(cases) if r % 2 == 0 else list(reversed(cases))
        for name in names:
            median, best = timed(cases[name], args.repeats)
            print(f"round {r + 1}  {name:<40} median {median:6.2f} ms  best {best:6.2f} ms")


if __name__ == "__main__":
    main()
