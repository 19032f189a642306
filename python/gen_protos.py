"""Generates the gymbridge.v1 Python stubs (*_pb2.py, *_pb2_grpc.py) from proto/ with grpcio-tools.

    python python/gen_protos.py            # (re)writes python/gymbridge/v1/*_pb2*.py
    python python/gen_protos.py --check    # exit 1 if the committed stubs differ from a fresh run

The stubs are committed, so `pip install python/` needs no protoc; python/tests/test_stubs.py runs
the --check comparison (byte for byte) in every test run, with grpcio-tools pinned in
python/requirements-test.txt, so a .proto edit without regenerating fails the tests.
google/rpc/status.proto, which env_service.proto imports, is not in grpc_tools' bundled include
path: it comes from googleapis-common-protos, whose status_pb2 module the stubs import at run time.
"""

from __future__ import annotations

import filecmp
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTO_ROOT = ROOT / "proto" / "src" / "main" / "proto"
PACKAGE_ROOT = ROOT / "python"  # gymbridge/v1/x.proto -> python/gymbridge/v1/x_pb2.py
STUB_DIR = PACKAGE_ROOT / "gymbridge" / "v1"


def _include_dirs() -> list[Path]:
    """grpc_tools' bundled protos (google/protobuf/*) plus wherever google/rpc/status.proto
    lives."""
    import grpc_tools

    bundled = Path(grpc_tools.__file__).parent / "_proto"
    dirs = [bundled]
    if not (bundled / "google" / "rpc" / "status.proto").is_file():
        import google.rpc.status_pb2 as status_pb2  # from googleapis-common-protos

        site = Path(status_pb2.__file__).resolve().parents[2]
        if not (site / "google" / "rpc" / "status.proto").is_file():
            raise RuntimeError(
                f"google/rpc/status.proto is neither in {bundled} nor in {site}: "
                "install googleapis-common-protos (python/requirements-test.txt pins it)"
            )
        dirs.append(site)
    return dirs


def generate(out: Path = PACKAGE_ROOT) -> list[Path]:
    """Writes the stubs under out/gymbridge/v1; returns the files written."""
    from grpc_tools import protoc

    protos = sorted(PROTO_ROOT.rglob("*.proto"))
    if not protos:
        raise RuntimeError(f"no .proto files under {PROTO_ROOT}")
    stub_dir = out / "gymbridge" / "v1"
    stub_dir.mkdir(parents=True, exist_ok=True)
    for old in stub_dir.glob("*_pb2*.py"):
        old.unlink()
    args = ["grpc_tools.protoc", f"-I{PROTO_ROOT}"]
    args += [f"-I{d}" for d in _include_dirs()]
    args += [f"--python_out={out}", f"--grpc_python_out={out}"]
    args += [str(p.relative_to(PROTO_ROOT)) for p in protos]
    if protoc.main(args) != 0:
        raise RuntimeError("grpc_tools.protoc failed: " + " ".join(args))
    return sorted(stub_dir.glob("*_pb2*.py"))


def differences() -> list[str]:
    """What differs between the committed stubs and a fresh generation (empty: in sync)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = {p.name: p for p in generate(Path(tmp))}
        committed = {p.name: p for p in STUB_DIR.glob("*_pb2*.py")}
        out = [f"{n}: missing from {STUB_DIR}" for n in sorted(fresh.keys() - committed.keys())]
        out += [f"{n}: no .proto generates it" for n in sorted(committed.keys() - fresh.keys())]
        out += [
            f"{n}: differs from a fresh generation"
            for n in sorted(fresh.keys() & committed.keys())
            if not filecmp.cmp(fresh[n], committed[n], shallow=False)
        ]
        return out


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        diff = differences()
        for line in diff:
            print(line, file=sys.stderr)
        if diff:
            print("stubs out of date: run python python/gen_protos.py", file=sys.stderr)
        sys.exit(1 if diff else 0)
    for path in generate():
        print(path.relative_to(ROOT))
