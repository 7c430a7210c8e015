"""Evaluate every component on dev and test: NER per label, dates, linking, citations, events."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example

from .corpus import read_docbin

LABELS = ("PERSON", "ORG", "ARCHIVE", "DATE", "LOC")


def predict_like(nlp: Language, ref: Doc, disable: Iterable[str] = ()) -> Doc:
    """Run the pipeline on a reference doc's text, keeping its segmentation."""
    doc = nlp.make_doc(ref.text)
    doc.user_data["segments"] = ref.user_data.get("segments", doc.user_data.get("segments"))
    for name, proc in nlp.pipeline:
        if name in disable:
            continue
        doc = proc(doc)
    return doc


def evaluate_docs(nlp: Language, refs: List[Doc], disable: Iterable[str] = ()) -> Dict[str, object]:
    """All metrics for one split."""
    disable = set(disable)
    examples = [Example(predict_like(nlp, ref, disable), ref) for ref in refs]
    ner = Scorer.score_spans(examples, "ents")
    scores: Dict[str, object] = {
        "ents_p": ner["ents_p"], "ents_r": ner["ents_r"], "ents_f": ner["ents_f"],
        "ents_per_type": {k: v for k, v in (ner["ents_per_type"] or {}).items()},
    }
    for name, proc in nlp.pipeline:
        if name in disable or name in ("tok2vec", "transformer", "ner", "entity_ruler", "entity_repair", "sentences", "sentencizer"):
            continue
        if hasattr(proc, "score"):
            scores.update(proc.score(examples))
    scores.update(date_values_on_gold_spans(nlp, refs))
    return scores


def date_values_on_gold_spans(nlp: Language, refs: List[Doc]) -> Dict[str, float]:
    """The date component alone: values it gives the GOLD DATE spans (NER errors left out)."""
    from .dates import DateNormalizer

    dates = next((proc for _, proc in nlp.pipeline if isinstance(proc, DateNormalizer)), None)
    if dates is None:
        return {}
    total = value_ok = exact_ok = 0
    for ref in refs:
        doc = ref.copy()
        for ent in doc.ents:
            ent._.date = None
        for name, proc in nlp.pipeline:
            if name in ("sentences", "sentencizer"):
                doc = proc(doc)
        doc = dates(doc)
        gold = {(e.start_char, e.end_char): e._.date for e in ref.ents if e.label_ == "DATE" and e._.date}
        for ent in doc.ents:
            g = gold.get((ent.start_char, ent.end_char))
            if not g:
                continue
            p = ent._.date or {}
            total += 1
            value_ok += p.get("value") == g.get("value")
            exact_ok += (p.get("value"), p.get("precision"), bool(p.get("year_inferred"))) == \
                (g.get("value"), g.get("precision"), bool(g.get("year_inferred")))
    return {"date_value_acc_gold_spans": value_ok / total if total else 0.0,
            "date_exact_acc_gold_spans": exact_ok / total if total else 0.0}


def evaluate(nlp: Language, paths: Dict[str, Path], disable: Iterable[str] = ()) -> Dict[str, Dict[str, object]]:
    out = {}
    for split, path in paths.items():
        start = time.time()
        refs = read_docbin(nlp, path)
        out[split] = evaluate_docs(nlp, refs, disable)
        out[split]["seconds"] = round(time.time() - start, 2)
    return out


def format_table(results: Dict[str, Dict[str, object]], before: Optional[Dict[str, Dict[str, object]]] = None) -> str:
    """A plain-text table: per-label P/R/F1 and the component metrics, per split."""
    lines = []
    splits = list(results)
    header = f"{'metric':<22}" + "".join(f"{s:>12}" for s in splits)
    if before:
        header += "".join(f"{s + ' before':>16}" for s in splits)
    lines.append(header)
    lines.append("-" * len(header))

    def row(name: str, get) -> None:
        vals = [get(results[s]) for s in splits]
        if all(v is None for v in vals):
            return
        line = f"{name:<22}" + "".join(f"{v:>12.3f}" if isinstance(v, (int, float)) else f"{'-':>12}" for v in vals)
        if before:
            olds = [get(before.get(s, {})) for s in splits]
            line += "".join(f"{v:>16.3f}" if isinstance(v, (int, float)) else f"{'-':>16}" for v in olds)
        lines.append(line)

    for label in LABELS:
        for m in ("p", "r", "f"):
            row(f"{label} {m}", lambda r, l=label, m=m: (r.get("ents_per_type") or {}).get(l, {}).get(m))
    for key in ("ents_p", "ents_r", "ents_f", "date_value_acc", "date_exact_acc", "date_value_acc_gold_spans",
                "date_exact_acc_gold_spans", "link_b3_p", "link_b3_r",
                "link_b3_f", "link_false_merges", "citation_exact", "citation_precision", "event_core_p",
                "event_core_r", "event_core_f", "event_date_f", "event_place_acc"):
        row(key, lambda r, k=key: r.get(k))
    return "\n".join(lines)


def events_cross_validation(nlp: Language, refs: List[Doc], folds: int = 5, rules_path: Optional[str] = None,
                            kb_path: Optional[str] = None) -> Dict[str, float]:
    """Events scored by k-fold cross-validation on annotated docs with their gold entities.

    The event extractor learns its trigger precision and its argument classifier from
    k-1 folds and is scored on the held-out one, so the number says how well what it
    learns carries to documents it has not seen, apart from NER errors.
    """
    from .events import EventExtractor, score_events

    if folds < 2 or len(refs) < folds:
        raise ValueError(f"cross-validation needs at least 2 folds and a document per fold ({len(refs)} docs, {folds} folds)")
    events = next((proc for _, proc in nlp.pipeline if isinstance(proc, EventExtractor)), None)
    if events is None:
        raise ValueError("the pipeline has no historian_events_v1 component")
    before = [proc for name, proc in nlp.pipeline if name in ("sentences", "citations")]
    base = []
    for ref in refs:
        doc = ref.copy()
        for proc in before:
            doc = proc(doc)
        base.append(doc)
    examples = []
    for k in range(folds):
        train = [r for i, r in enumerate(refs) if i % folds != k]
        fold = EventExtractor(nlp, "events_cv", threshold=events.threshold, min_confidence=events.min_confidence)
        fold.rules = events.rules
        fold.initialize(lambda: [Example(nlp.make_doc(r.text), r) for r in train], nlp=nlp,
                        rules_path=rules_path, kb_path=kb_path)
        if not kb_path:
            fold.offices = events.offices
        examples += [Example(fold(base[i].copy()), refs[i]) for i in range(len(refs)) if i % folds == k]
    scores = score_events(examples)
    scores["folds"] = folds
    return scores
