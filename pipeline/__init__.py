"""A spaCy pipeline for historians: entities, aliases, dates, events and archival citations."""
from pathlib import Path
from typing import Optional, Union

from .extensions import register_extensions

__version__ = "0.1.0"
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "model-best"

register_extensions()


def load(path: Optional[Union[str, Path]] = None, **kwargs):
    """Load the trained pipeline (default: the model `spacy project run all` built)."""
    import spacy

    path = Path(path) if path is not None else DEFAULT_MODEL
    if not path.exists():
        raise FileNotFoundError(f"{path}: no trained pipeline here; run `spacy project run all` first or pass a path")
    return spacy.load(path, **kwargs)
