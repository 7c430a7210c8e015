"""Helpers shared by the corpus, training and evaluation commands."""
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import load_config


def blank_from_config(config_path: Path) -> Language:
    """A blank pipeline with the config's language and tokenizer (the cleaning tokenizer)."""
    cfg = load_config(config_path, interpolate=False)
    return spacy.blank(cfg["nlp"]["lang"], config={"nlp": {"tokenizer": cfg["nlp"]["tokenizer"]}})
