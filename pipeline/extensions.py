"""Extension attributes every component and consumer shares, registered in one place."""
from spacy.tokens import Doc, Span

SPAN_EXTENSIONS = {"date": None, "entity_id": None, "canonical": None}
DOC_EXTENSIONS = {"events": None, "citations": None}


def register_extensions() -> None:
    """Register `Span._.date/entity_id/canonical` and `Doc._.events/citations` once."""
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
