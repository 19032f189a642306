"""The conformance kit fails servers that get the contract wrong, and names the fault.

Each mutant (mutants.py) is the Python server with one deliberate fault, on a real socket; the
kit (python -m gymbridge.conformance's main, in this process) must fail against it, and among the
checks that fail must be the ones the mutant names. Every check of the kit must be named by some
mutant, so a check that catches nothing, or a new check without a mutant, fails here. The kit's
fallbacks for envs Gymnasium cannot make here (the checks then compare the server with its own
one-env sessions) are held to the same standard with --no-reference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mutants import ENV, MUTANTS, Mutant

from gymbridge.conformance.__main__ import main as kit_main

BY_NAME = {m.name: m for m in MUTANTS}

# Mutants whose fault the kit's fallbacks must catch too, when it compares the server with itself
# (--no-reference): the seeding and autoreset faults. The others are caught the same way with and
# without Gymnasium, or (wider-observation-space, unknown-option-taken) only with it.
WITHOUT_REFERENCE = [
    "ignores-reset-seed",
    "reseeds-unseeded-resets",
    "resets-every-env",
    "same-seed-every-env",
    "ignores-seed-lists",
    "mask-seeds-by-rank",
    "refused-step-steps-some",
    "next-step-resets-at-once",
    "autoreset-reseeds",
    "same-step-resets-next-step",
    "same-step-drops-final-obs",
    "disabled-autoresets",
    "disabled-refuses-ended-env",
]


class Outcomes:
    """A pytest plugin for the kit's run: each check's outcome, by its name."""

    def __init__(self):
        self.failed: set[str] = set()
        self.passed: set[str] = set()
        self.skipped: set[str] = set()
        self.collected: list[str] = []

    def pytest_itemcollected(self, item):
        self.collected.append(item.name)

    def pytest_runtest_logreport(self, report):
        name = report.nodeid.split("::")[-1]
        if report.failed:
            self.failed.add(name)
        elif report.skipped:
            self.skipped.add(name)
        elif report.when == "call":
            self.passed.add(name)


def run_kit(*args: str) -> tuple[int, Outcomes]:
    """The kit's main in this process; the environment it sets for its fixtures is put back."""
    outcomes = Outcomes()
    saved = dict(os.environ)
    try:
        code = kit_main(list(args), plugins=[outcomes])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return code, outcomes


@pytest.fixture(scope="module")
def kit_checks() -> list[str]:
    code, outcomes = run_kit("--address", "127.0.0.1:1", "--collect-only")
    assert code == 0 and outcomes.collected
    return outcomes.collected


def _fails(mutant, *args, capsys):
    """Runs the checks the mutant names (-k: the whole kit would take ~1 s more per mutant on a
    2-core machine, and each check runs alone, so its outcome is the same either way)."""
    select = " or ".join(sorted({k.split("[")[0] for k in mutant.kills}))
    server = mutant.start()
    try:
        code, outcomes = run_kit("--address", server.address, "--env", ENV, *args, "-k", select)
    finally:
        server.stop(0)
    out = capsys.readouterr().out
    missed = [k for k in mutant.kills if k not in outcomes.failed]
    assert code == 1 and not missed, (
        f"mutant {mutant.name} ({mutant.fault}): kit exit {code}; checks that should have failed "
        f"but did not: {missed}; failed: {sorted(outcomes.failed)}\n{out[-6000:]}"
    )
    for k in mutant.kills:  # the kit's own summary names the check
        assert f"::{k} - " in out or f"::{k}\n" in out, f"{k} not named in the kit's output"


@pytest.mark.parametrize("args", [[], ["--no-reference"]], ids=["gymnasium", "no-reference"])
def test_the_kit_passes_the_server_the_mutants_are_made_from(args, capsys):
    """The control: without a fault the same server passes, so the failures are the faults'."""
    server = Mutant("none", "no fault", ()).start()
    try:
        code, outcomes = run_kit("--address", server.address, "--env", ENV, *args)
    finally:
        server.stop(0)
    assert code == 0 and not outcomes.failed, capsys.readouterr().out[-6000:]


@pytest.mark.parametrize("name", BY_NAME)
def test_the_kit_fails_the_mutant_and_names_its_fault(name, capsys):
    _fails(BY_NAME[name], capsys=capsys)


@pytest.mark.parametrize("name", WITHOUT_REFERENCE)
def test_the_kit_fails_the_mutant_without_a_gymnasium_reference(name, capsys):
    _fails(BY_NAME[name], "--no-reference", capsys=capsys)


def test_every_check_of_the_kit_is_killed_by_a_mutant(kit_checks):
    """Every check the kit collects is named by a mutant, and the tests above hold each mutant to
    the checks it names: a check that no fault makes fail has no place in the kit."""
    killed = {k for m in MUTANTS for k in m.kills}
    unkilled = [c for c in kit_checks if c not in killed]
    assert not unkilled, f"kit checks no mutant fails: {unkilled} (add a mutant in mutants.py)"
    unknown = sorted(killed - set(kit_checks))
    assert not unknown, f"mutants name checks the kit does not have: {unknown}"


def test_the_command_line_exits_non_zero_against_a_mutant():
    """As a third party runs it: python -m gymbridge.conformance, in its own process."""
    server = BY_NAME["ignores-reset-seed"].start()
    try:
        cmd = [sys.executable, "-m", "gymbridge.conformance", "--address", server.address]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    finally:
        server.stop(0)
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert (
        "FAILED" in done.stdout and "test_the_same_seed_gives_the_same_observations" in done.stdout
    )
    assert "reference: Gymnasium" in done.stdout


def test_the_docs_table_names_every_check_and_its_mutants(kit_checks):
    """docs/python.md, "What the kit proves": a row per check, naming the mutants it fails."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "python.md").read_text()
    rows = {}
    for line in text.splitlines():
        if line.startswith("| `test_"):
            rows[line.split("`")[1]] = line
    for check in sorted({c.split("[")[0] for c in kit_checks}):
        assert check in rows, f"docs/python.md has no row for {check}"
        for m in MUTANTS:
            if any(k.split("[")[0] == check for k in m.kills):
                assert f"`{m.name}`" in rows[check], f"{check}'s row does not name {m.name}"
