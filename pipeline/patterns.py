"""Rule patterns come from files users extend: every *.jsonl in a folder."""
from pathlib import Path
from typing import List

from .jsonl import iter_jsonl
from spacy.util import registry


@registry.readers("historian.read_patterns.v1")
def read_patterns(path: str) -> List[dict]:
    """Read entity-ruler patterns from a JSONL file or a folder of them, naming bad lines."""
    p = Path(path)
    files = sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    if not files:
        raise ValueError(f"{p}: no pattern files (*.jsonl)")
    patterns = []
    for f in files:
        for i, pat in iter_jsonl(f, ValueError):
            if "label" not in pat or "pattern" not in pat:
                raise ValueError(f"{f}:{i}: a pattern needs 'label' and 'pattern'")
            patterns.append(pat)
    return patterns
