"""Prints a pip.conf for the CI stand-in python base (container/ci/local-bases.sh): this machine's
pip settings (`pip config list`, PIP_* variables), with its local index folders (file:// URLs) as
the only indexes, so `pip install` in an image build needs no network. With `--mounts` it prints
instead the host folders the build must mount read-only for that config to work."""

import os
import subprocess
import sys

settings = {}
out = subprocess.run(
    [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
).stdout
for line in out.splitlines():
    key, _, value = line.partition("=")
    section, _, name = key.partition(".")
    if section in ("global", ":env:") and name:
        settings[name] = value.strip().strip("'\"")
for var, value in os.environ.items():
    if var.startswith("PIP_"):
        settings[var[4:].lower().replace("_", "-")] = value

urls = (settings.pop("index-url", "") + " " + settings.pop("extra-index-url", "")).split()
local = [u for u in urls if u.startswith("file://")]
if not local:
    sys.exit("pip_conf.py: this machine's pip config names no local (file://) index")
links = settings.get("find-links", "").split()

if "--mounts" in sys.argv:
    folders = {u[len("file://") :].rstrip("/").rsplit("/simple", 1)[0] for u in local}
    folders |= {link for link in links if link.startswith("/")}
    print("\n".join(sorted(f for f in folders if os.path.isdir(f))))
    sys.exit(0)

settings.pop("disable-pip-version-check", None)
print("[global]")
print(f"index-url = {local[0]}")
if local[1:]:
    print(f"extra-index-url = {' '.join(local[1:])}")
for name, value in sorted(settings.items()):
    print(f"{name} = {value}")
print("disable-pip-version-check = 1")
