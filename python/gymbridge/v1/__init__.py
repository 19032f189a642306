"""Generated gymbridge.v1 stubs (python/gen_protos.py writes them from proto/; do not edit)."""
