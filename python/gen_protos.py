"""Generates the gymbridge.v1 Python stubs (*_pb2.py, *_pb2_grpc.py) with grpcio-tools.

    python python/gen_protos.py        # prints the output folder, python/build/gen

The stubs go to python/build/gen (gitignored) and are regenerated only when a .proto under
proto/src/main/proto is newer than the last generation. google/rpc/status.proto, which
env_service.proto imports, is not in grpc_tools' bundled include path: it comes from the
googleapis-common-protos package, whose status_pb2 module the stubs then import at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROTO_ROOT = ROOT / "proto" / "src" / "main" / "proto"
OUT = ROOT / "python" / "build" / "gen"
STAMP = OUT / ".generated"


def _include_dirs() -> list[Path]:
    """grpc_tools' bundled protos (google/protobuf/*) plus wherever google/rpc/status.proto lives."""
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


def generate(force: bool = False) -> Path:
    """Generates the stubs if any .proto is newer than the last run; returns the output folder."""
    protos = sorted(PROTO_ROOT.rglob("*.proto"))
    if not protos:
        raise RuntimeError(f"no .proto files under {PROTO_ROOT}")
    newest = max(p.stat().st_mtime for p in protos + [Path(__file__)])
    if not force and STAMP.is_file() and STAMP.stat().st_mtime >= newest:
        return OUT

    from grpc_tools import protoc

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.rglob("*_pb2*.py"):
        old.unlink()
    args = ["grpc_tools.protoc", f"-I{PROTO_ROOT}"]
    args += [f"-I{d}" for d in _include_dirs()]
    args += [f"--python_out={OUT}", f"--grpc_python_out={OUT}"]
    args += [str(p.relative_to(PROTO_ROOT)) for p in protos]
    if protoc.main(args) != 0:
        raise RuntimeError("grpc_tools.protoc failed: " + " ".join(args))
    STAMP.touch()
    return OUT


if __name__ == "__main__":
    print(generate(force="--force" in sys.argv[1:]))
