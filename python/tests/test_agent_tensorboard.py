"""bin/agent train leaves TensorBoard event files in its run directory: a short CartPole-v1 run,
then a resume of it, read back with TensorBoard's own Python loader (EventAccumulator) and its own
masked CRC32C. The scalars carry CleanRL's tags, every episode of metrics.csv is there with its
return and length, and each tag's steps increase, across the resume too.

The default preset steps 16 envs per batch and starts learning at step 1,000, so 3,000 steps give
~270 episodes and ~20 rows of losses; the two runs took ~40 s on a 2-core VM busy with another
training."""

from __future__ import annotations

import csv
import struct
import subprocess
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto.event_pb2 import Event, SessionLog
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

ROOT = Path(__file__).resolve().parents[2]
NUM_ENVS = 16  # the default preset's
LEARNING_STARTS = 1_000  # the default preset's
CLEANRL_TAGS = {
    "charts/episodic_return",
    "charts/episodic_length",
    "charts/SPS",
    "charts/epsilon",
    "losses/td_loss",
    "losses/q_values",
}


def _train(out: Path, total_steps: int, *extra: str) -> None:
    cmd = [
        str(ROOT / "bin" / "agent"),
        "train",
        "--env",
        "CartPole-v1",
        "--total-steps",
        str(total_steps),
        "--out",
        str(out),
        "--seed",
        "1",
        *extra,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, (
        f"bin/agent train failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    )


def _records(path: Path) -> list[bytes]:
    """The file's TFRecords, each checked against its length and TensorBoard's masked CRC32C."""
    data = path.read_bytes()
    records, pos = [], 0
    while pos < len(data):
        header = data[pos : pos + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[pos + 8 : pos + 12])
        assert header_crc == masked_crc32c(header), f"length CRC at byte {pos} of {path.name}"
        body = data[pos + 12 : pos + 12 + length]
        assert len(body) == length, f"record at byte {pos} of {path.name} is cut short"
        (body_crc,) = struct.unpack("<I", data[pos + 12 + length : pos + 16 + length])
        assert body_crc == masked_crc32c(body), f"data CRC at byte {pos} of {path.name}"
        records.append(body)
        pos += 16 + length
    return records


def _event_files(run: Path) -> list[Path]:
    return sorted(run.glob("events.out.tfevents.*"))


def _metrics(run: Path) -> list[dict[str, str]]:
    with open(run / "metrics.csv") as f:
        return list(csv.DictReader(f))


def _scalars(run: Path) -> EventAccumulator:
    acc = EventAccumulator(str(run), size_guidance={"scalars": 0})  # 0: keep every point
    acc.Reload()
    return acc


def _check_episodes_match_metrics(acc: EventAccumulator, rows: list[dict[str, str]]) -> None:
    returns = acc.Scalars("charts/episodic_return")
    lengths = acc.Scalars("charts/episodic_length")
    assert len(returns) == len(rows) == len(lengths)
    steps = [e.step for e in returns]
    assert steps == sorted(set(steps)), "each episode has a step of its own, increasing"
    for ret, length, row in zip(returns, lengths, rows, strict=True):
        assert ret.value == pytest.approx(float(row["charts/episodic_return"]), abs=1e-4)
        assert length.value == float(row["charts/episodic_length"])
        # metrics.csv gives an episode its batch's last step; the event file spreads the episodes
        # that end in one batch over the batch's steps, in order.
        batch_end = int(row["global_step"])
        assert batch_end - NUM_ENVS < ret.step <= batch_end
        assert length.step == ret.step


def test_a_training_run_writes_cleanrl_scalars_that_tensorboard_reads_and_a_resume_continues(
    tmp_path,
):
    run = tmp_path / "run"
    _train(run, 3_000, "--set", "evalInterval=1000", "--set", "evalEpisodes=2")

    (first_file,) = _event_files(run)
    events = [Event.FromString(r) for r in _records(first_file)]
    assert events[0].file_version == "brain.Event:2"
    assert events[1].session_log.status == SessionLog.START
    assert events[1].step == 1

    acc = _scalars(run)
    assert set(acc.Tags()["scalars"]) >= CLEANRL_TAGS
    rows = _metrics(run)
    assert len(rows) >= 50, f"only {len(rows)} episodes in 3,000 steps"
    _check_episodes_match_metrics(acc, rows)

    losses = acc.Scalars("losses/td_loss")
    loss_steps = [e.step for e in losses]
    assert loss_steps == sorted(set(loss_steps))
    assert LEARNING_STARTS <= loss_steps[0] < LEARNING_STARTS + 200
    assert loss_steps[-1] > 2_800
    # One row per hundred env steps passed, as CleanRL's global_step % 100.
    assert [s // 100 for s in loss_steps] == sorted(set(s // 100 for s in loss_steps))
    assert [e.step for e in acc.Scalars("losses/q_values")] == loss_steps
    epsilons = [e.value for e in acc.Scalars("charts/epsilon")]
    assert epsilons == sorted(epsilons, reverse=True) and 0 < epsilons[-1] < epsilons[0] <= 1
    assert all(e.value > 0 for e in acc.Scalars("charts/SPS")[1:])
    # Evaluation during training: eval.csv's rows, under CleanRL's eval tag.
    with open(run / "eval.csv") as f:
        evals = list(csv.DictReader(f))
    assert [int(r["global_step"]) for r in evals] == [1008, 2000, 3008]
    scores = acc.Scalars("eval/episodic_return")
    assert [e.step for e in scores] == [1008, 2000, 3008]
    for e, r in zip(scores, evals, strict=True):
        assert e.value == pytest.approx(float(r["eval/episodic_return"]), abs=1e-3)

    _train(run, 4_000, "--resume")

    files = _event_files(run)
    assert len(files) == 2 and files[0] == first_file, "a resume starts a second file, after it"
    resumed = [Event.FromString(r) for r in _records(files[1])]
    assert resumed[1].session_log.status == SessionLog.START
    checkpoint_step = -(-3_000 // NUM_ENVS) * NUM_ENVS  # the last batch ends past 3,000
    assert resumed[1].step == checkpoint_step + 1
    acc = _scalars(run)
    rows = _metrics(run)
    assert int(rows[-1]["global_step"]) > checkpoint_step, "the resumed run finished episodes"
    _check_episodes_match_metrics(acc, rows)
    loss_steps = [e.step for e in acc.Scalars("losses/td_loss")]
    assert loss_steps == sorted(set(loss_steps)) and loss_steps[-1] > 3_800
