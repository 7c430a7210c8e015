"""`spacy project run all` end to end, once, with a tiny training run."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_project_run_all(tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    shutil.copy(ROOT / "project.yml", proj)
    for folder in ("configs", "seeds", "training", "pipeline"):
        shutil.copytree(ROOT / folder, proj / folder)
    res = subprocess.run([sys.executable, "-m", "spacy", "project", "run", "all", str(proj),
                          "--vars.max_steps", "20", "--vars.eval_frequency", "10"],
                         capture_output=True, text=True, cwd=proj, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    for out in ("corpus/train.spacy", "corpus/test.spacy", "models/model-best", "metrics/evaluation.json",
                "metrics/events_cv.json", "metrics/fresh.json",
                "corpus/seeds.jsonl", "corpus/report.html", "corpus/letters.xml"):
        assert (proj / out).exists(), out
    evaluation = json.loads((proj / "metrics/evaluation.json").read_text())
    assert set(evaluation["results"]) == {"dev", "test"}
    assert "PERSON" in evaluation["results"]["test"]["ents_per_type"]
    fresh = json.loads((proj / "metrics/fresh.json").read_text())
    assert len(fresh["documents"]) == len(list((ROOT / "training" / "fresh").glob("*.txt")))
    if fresh["documents"]:  # between rounds training/fresh is empty
        assert 0.0 <= fresh["results"]["fresh"]["citation_exact"] <= 1.0
    cv = json.loads((proj / "metrics/events_cv.json").read_text())["results"]
    assert cv["folds"] == 5 and cv["event_gold"] > 0 and 0.0 <= cv["event_core_f"] <= 1.0
    (doc,) = [json.loads(l) for l in (proj / "corpus/seeds.jsonl").read_text().splitlines()]
    raw = (proj / "seeds" / "000_ebe918235459f401.txt").read_text(encoding="utf-8")
    assert doc["doc_id"] == "000_ebe918235459f401" and doc["entities"]
    ent = doc["entities"][0]
    assert "".join(c for c in raw[ent["start"]:ent["end"]] if c.isalnum()) == "".join(c for c in ent["text"] if c.isalnum())
    # a rerun skips what is up to date
    again = subprocess.run([sys.executable, "-m", "spacy", "project", "run", "all", str(proj),
                            "--vars.max_steps", "20", "--vars.eval_frequency", "10"],
                           capture_output=True, text=True, cwd=proj, timeout=900)
    assert again.returncode == 0
    assert "Skipping 'train': nothing changed" in again.stdout


def _bash_blocks(markdown: str, heading: str) -> list:
    """The lines of the ```bash blocks under a ## heading of README.md."""
    section = markdown.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line for block in section.split("```bash\n")[1:] for line in block.split("```", 1)[0].splitlines()]


def test_readme_gives_the_set_up_and_test_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _bash_blocks(readme, "Set up and run") == ['pip install -e ".[dev]"', "spacy project run all"]
    (test_command,) = _bash_blocks(readme, "Test")
    assert test_command.endswith("python -m pytest")
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == test_command
