"""The committed stubs (python/gymbridge/v1) are what grpcio-tools makes from proto/ today."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gen_protos  # noqa: E402


def test_committed_stubs_match_a_fresh_generation_byte_for_byte():
    diff = gen_protos.differences()
    assert not diff, "stubs out of date (run python python/gen_protos.py):\n" + "\n".join(diff)
