"""The command line: what `evaluate-markup` does with an empty fresh folder and with a missing file."""
import json

from typer.testing import CliRunner

from pipeline.cli import app


def test_evaluate_markup_scores_nothing_in_an_empty_folder_but_names_a_missing_file(tmp_path):
    """Between rounds training/fresh is empty: the project run goes on; a file asked for by name must exist."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    out = tmp_path / "metrics" / "fresh.json"
    res = CliRunner().invoke(app, ["evaluate-markup", str(tmp_path / "no-model"), str(fresh), "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert "nothing to score" in res.output
    assert json.loads(out.read_text()) == {"model": str(tmp_path / "no-model"), "documents": [], "results": {}}
    missing = tmp_path / "p999_missing.txt"
    res = CliRunner().invoke(app, ["evaluate-markup", str(tmp_path / "no-model"), str(missing), "--output", str(out)])
    assert res.exit_code == 1 and "p999_missing.txt" in res.output
