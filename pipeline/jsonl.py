"""Read JSONL files line by line, naming the file and line of anything malformed."""
import json
from pathlib import Path
from typing import Iterator, Tuple, Type


class JSONLError(ValueError):
    """A malformed JSONL line: the message starts with `file:line:`."""


def iter_jsonl(path: Path, error: Type[Exception] = JSONLError) -> Iterator[Tuple[int, dict]]:
    """(line number, object) for each non-blank line; raise `error` at the first bad line."""
    path = Path(path)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise error(f"{path}:{lineno}: not valid JSON ({e.msg})") from None
        if not isinstance(obj, dict):
            raise error(f"{path}:{lineno}: expected a JSON object")
        yield lineno, obj
