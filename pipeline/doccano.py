"""The one module that talks to doccano.

Everything else in the pipeline sees plain records and these functions, never a
client object: doccano-client 1.1.1 is what fits beside spaCy (1.2 needs
pydantic<2), its old client's export hits an endpoint doccano 1.8 removed, so we
use its `beta` client for login, projects, examples, spans and relations, and
call doccano's REST API directly for the rest (file upload, import jobs,
example states, label edits).

Only 127.0.0.1 addresses are accepted: the server is local (see
pipeline/doccano_server.py). Credentials come from DOCCANO_USERNAME and
DOCCANO_PASSWORD in the environment or an uncommitted `.env` at the repo root,
and are never printed.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlparse

import requests

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PORT = 8000
SPAN_LABELS = ["PERSON", "ORG", "ARCHIVE", "DATE", "LOC", "COMMUNICATION", "MEETING"]
TRIGGER_LABELS = {"COMMUNICATION", "MEETING"}
RELATION_TYPES = ["sender", "recipient", "cc", "participant", "date", "place"]
# which trigger each role belongs to, and which span labels may fill it (ANNOTATION.md, Events)
ROLE_TRIGGERS = {
    "sender": {"COMMUNICATION"}, "recipient": {"COMMUNICATION"}, "cc": {"COMMUNICATION"},
    "participant": {"MEETING"}, "date": TRIGGER_LABELS, "place": TRIGGER_LABELS,
}
ROLE_ARGS = {
    "sender": {"PERSON", "ORG"}, "recipient": {"PERSON", "ORG"}, "cc": {"PERSON", "ORG"},
    "participant": {"PERSON", "ORG"}, "date": {"DATE"}, "place": {"LOC"},
}
LABEL_COLORS = {
    "PERSON": "#EF5350", "ORG": "#7E57C2", "ARCHIVE": "#8D6E63", "DATE": "#29B6F6",
    "LOC": "#66BB6A", "COMMUNICATION": "#FF7043", "MEETING": "#EC407A",
}
LABEL_KEYS = {
    "PERSON": "p", "ORG": "o", "ARCHIVE": "a", "DATE": "d", "LOC": "l", "COMMUNICATION": "c", "MEETING": "m",
}
TASK_TIMEOUT = 120.0
HTTP_TIMEOUT = 30.0


class DoccanoError(Exception):
    """A problem the user can act on; the message says what and where."""


# -- configuration -----------------------------------------------------------


def read_env_file(path: Path) -> Dict[str, str]:
    """KEY=VALUE lines of a .env file (comments and blank lines skipped, quotes stripped)."""
    values: Dict[str, str] = {}
    if not path.exists():
        return values
    for line_no, line in enumerate(path.read_text(encoding="utf8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):]
        if "=" not in line:
            raise DoccanoError(f"{path}:{line_no}: expected KEY=VALUE")
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def setting(name: str, env_file: Optional[Path] = None) -> Optional[str]:
    """An environment variable, else the same key in `.env`."""
    if os.environ.get(name):
        return os.environ[name]
    return read_env_file(env_file or ROOT / ".env").get(name) or None


def load_credentials(env_file: Optional[Path] = None) -> Tuple[str, str]:
    username = setting("DOCCANO_USERNAME", env_file)
    password = setting("DOCCANO_PASSWORD", env_file)
    if not username or not password:
        raise DoccanoError(
            "doccano credentials missing: set DOCCANO_USERNAME and DOCCANO_PASSWORD "
            "in the environment or in an uncommitted .env file at the repo root"
        )
    return username, password


def server_url(url: Optional[str] = None, env_file: Optional[Path] = None) -> str:
    """The server's base URL; only 127.0.0.1 is accepted (the server is local by design)."""
    if not url:
        url = setting("DOCCANO_URL", env_file)
    if not url:
        port = setting("DOCCANO_PORT", env_file) or str(DEFAULT_PORT)
        url = f"http://127.0.0.1:{port}"
    parsed = urlparse(url)
    if parsed.scheme != "http" or parsed.hostname != "127.0.0.1" or not parsed.port:
        raise DoccanoError(f"doccano URL {url!r}: only http://127.0.0.1:PORT is allowed")
    return f"http://127.0.0.1:{parsed.port}"


def api_answers(url: str, timeout: float = 2.0) -> bool:
    """True when doccano's Django app answers (any non-5xx reply to the API root)."""
    try:
        response = requests.get(f"{url}/v1/projects", timeout=timeout)
    except requests.RequestException:
        return False
    return response.status_code < 500


# -- validation ----------------------------------------------------------------


def validate_annotations(
    text: str, entities: List[Dict[str, Any]], relations: List[Dict[str, Any]], where: str
) -> List[str]:
    """Problems with a record's spans and relations (empty list when it is valid)."""
    problems = []
    if not text:
        problems.append(f"{where}: empty text")
    by_id: Dict[Any, Dict[str, Any]] = {}
    for ent in entities:
        desc = f"{where}: entity {ent.get('id')!r}"
        if ent.get("id") in by_id:
            problems.append(f"{desc}: duplicate entity id")
        by_id[ent.get("id")] = ent
        if ent.get("label") not in SPAN_LABELS:
            problems.append(f"{desc}: unknown label {ent.get('label')!r} (allowed: {', '.join(SPAN_LABELS)})")
        start, end = ent.get("start_offset"), ent.get("end_offset")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            problems.append(f"{desc}: offsets [{start}:{end}] not inside the text (length {len(text)})")
        elif "text" in ent and ent["text"] != text[start:end]:
            problems.append(f"{desc}: text {ent['text']!r} does not match text[{start}:{end}] = {text[start:end]!r}")
    spans = sorted(
        (e for e in entities if isinstance(e.get("start_offset"), int) and isinstance(e.get("end_offset"), int)),
        key=lambda e: (e["start_offset"], e["end_offset"]),
    )
    for prev, cur in zip(spans, spans[1:]):
        if cur["start_offset"] < prev["end_offset"]:
            problems.append(
                f"{where}: spans overlap: {prev.get('label')} [{prev['start_offset']}:{prev['end_offset']}] "
                f"and {cur.get('label')} [{cur['start_offset']}:{cur['end_offset']}]"
            )
    seen = set()
    for rel in relations:
        desc = f"{where}: relation {rel.get('id')!r} ({rel.get('type')})"
        rtype = rel.get("type")
        if rtype not in RELATION_TYPES:
            problems.append(f"{desc}: unknown type (allowed: {', '.join(RELATION_TYPES)})")
            continue
        src, dst = by_id.get(rel.get("from_id")), by_id.get(rel.get("to_id"))
        if src is None or dst is None:
            problems.append(f"{desc}: endpoint {rel.get('from_id') if src is None else rel.get('to_id')!r} is not an entity of this record")
            continue
        if src.get("label") not in ROLE_TRIGGERS[rtype]:
            problems.append(
                f"{desc}: goes from {src.get('label')} {_span_text(text, src)!r}, "
                f"not from a {'/'.join(sorted(ROLE_TRIGGERS[rtype]))} trigger"
            )
        if dst.get("label") not in ROLE_ARGS[rtype]:
            problems.append(
                f"{desc}: argument {dst.get('label')} {_span_text(text, dst)!r} cannot fill the role "
                f"(needs {'/'.join(sorted(ROLE_ARGS[rtype]))})"
            )
        key = (rel.get("from_id"), rel.get("to_id"), rtype)
        if key in seen:
            problems.append(f"{desc}: duplicate relation")
        seen.add(key)
    return problems


def _span_text(text: str, ent: Dict[str, Any]) -> str:
    return text[ent.get("start_offset", 0): ent.get("end_offset", 0)]


# -- the client ----------------------------------------------------------------


@dataclass
class Example:
    """One doccano example as the pipeline sees it (labels by name, not by id)."""

    id: int
    text: str
    meta: Dict[str, Any]
    confirmed: bool
    spans: List[Dict[str, Any]] = field(default_factory=list)  # id, label, start_offset, end_offset
    relations: List[Dict[str, Any]] = field(default_factory=list)  # id, from_id, to_id, type

    @property
    def record_id(self) -> Optional[str]:
        return self.meta.get("record_id")


class Doccano:
    """A logged-in session with one doccano server."""

    def __init__(self, url: Optional[str] = None, username: Optional[str] = None, password: Optional[str] = None):
        from doccano_client.beta import DoccanoClient as BetaClient

        self.url = server_url(url)
        if username is None or password is None:
            username, password = load_credentials()
        self._client = BetaClient(self.url)
        self._session = self._client.client_session
        try:
            response = self._session.post(
                self._client.login_url, json={"username": username, "password": password}, timeout=HTTP_TIMEOUT
            )
        except requests.ConnectionError:
            raise DoccanoError(
                f"doccano is not reachable at {self.url} (start it with `python -m pipeline doccano up`)"
            ) from None
        if response.status_code in (400, 401, 403):
            raise DoccanoError(f"doccano at {self.url} refused the login of user {username!r}: wrong username or password")
        self._check(response, "log in")
        self._session.headers.update({"X-CSRFToken": self._session.cookies.get("csrftoken", "")})

    # -- plumbing
    def _check(self, response: requests.Response, what: str) -> requests.Response:
        if response.status_code >= 400:
            detail = response.text[:300].strip()
            raise DoccanoError(f"doccano at {self.url} could not {what}: HTTP {response.status_code} {detail}")
        ctype = response.headers.get("content-type", "")
        if response.status_code != 204 and response.content and "json" not in ctype and "text/plain" not in ctype:
            # an endpoint doccano removed answers with the web app's HTML and status 200
            raise DoccanoError(f"doccano at {self.url} could not {what}: expected JSON, got {ctype or 'no content type'}")
        return response

    def _request(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        try:
            response = self._session.request(method, f"{self.url}/v1/{path}", timeout=HTTP_TIMEOUT, **kwargs)
        except requests.ConnectionError:
            raise DoccanoError(f"lost the connection to doccano at {self.url} while trying to {what}") from None
        self._check(response, what)
        return response.json() if response.content and "json" in response.headers.get("content-type", "") else response.text

    # -- projects
    def find_project(self, name: str) -> Optional[int]:
        try:
            for controller in self._client.projects.all():
                if controller.project.name == name:
                    return controller.id
        except requests.HTTPError as err:
            raise DoccanoError(f"doccano at {self.url} could not list projects: {err}") from None
        return None

    def project_id(self, name: str) -> int:
        pid = self.find_project(name)
        if pid is None:
            raise DoccanoError(f"doccano at {self.url} has no project named {name!r} (create it with `push`)")
        self._check_project(pid, name)
        return pid

    def _check_project(self, pid: int, name: str) -> None:
        info = self._request("GET", f"projects/{pid}", "read the project settings")
        if info.get("project_type") != "SequenceLabeling" or not info.get("use_relation"):
            raise DoccanoError(
                f"doccano project {name!r} is a {info.get('project_type')} project"
                f"{'' if info.get('use_relation') else ' without relations'}; "
                f"the correction loop needs sequence labelling with relations (use another project name)"
            )

    def ensure_project(self, name: str, description: str = "Corrections for the historian pipeline") -> int:
        """Create (or reuse) the sequence-labelling project with relations, labels and relation types."""
        from doccano_client.beta.models import Project, ProjectTypes

        pid = self.find_project(name)
        if pid is not None:
            self._check_project(pid, name)
        else:
            project = Project(
                name=name, description=description, project_type=ProjectTypes.SEQUENCE_LABELING,
                guideline="See training/ANNOTATION.md: flat spans; relations go from a trigger to its argument.",
                use_relation=True, allow_overlapping=False,
                # one shared set of annotations: what the model proposed and any annotator corrects
                collaborative_annotation=True,
            )
            try:
                pid = self._client.projects.create(project).id
            except requests.HTTPError as err:
                raise DoccanoError(f"doccano at {self.url} could not create project {name!r}: {err}") from None
        self._ensure_types(pid)
        return pid

    def _ensure_types(self, pid: int) -> None:
        have = {t["text"] for t in self._request("GET", f"projects/{pid}/span-types", "list span types")}
        for label in SPAN_LABELS:
            if label not in have:
                self._request("POST", f"projects/{pid}/span-types", f"create span type {label}", json={
                    "text": label, "suffix_key": LABEL_KEYS[label],
                    "background_color": LABEL_COLORS[label], "text_color": "#ffffff",
                })
        have = {t["text"] for t in self._request("GET", f"projects/{pid}/relation-types", "list relation types")}
        for rtype in RELATION_TYPES:
            if rtype not in have:
                self._request("POST", f"projects/{pid}/relation-types", f"create relation type {rtype}", json={
                    "text": rtype, "background_color": "#424242", "text_color": "#ffffff",
                })

    def delete_project(self, pid: int) -> None:
        self._request("DELETE", f"projects/{pid}", "delete the project")

    def span_types(self, pid: int) -> Dict[str, int]:
        return {t["text"]: t["id"] for t in self._request("GET", f"projects/{pid}/span-types", "list span types")}

    def relation_types(self, pid: int) -> Dict[str, int]:
        return {t["text"]: t["id"] for t in self._request("GET", f"projects/{pid}/relation-types", "list relation types")}

    # -- examples
    def examples(self, pid: int, confirmed_only: bool = False, annotations: bool = True) -> Iterator[Example]:
        """All examples of a project (or those an annotator confirmed), with spans and relations."""
        from doccano_client.beta.models import Project, ProjectTypes

        span_names = {v: k for k, v in self.span_types(pid).items()} if annotations else {}
        rel_names = {v: k for k, v in self.relation_types(pid).items()} if annotations else {}
        project = Project(name="", description="", project_type=ProjectTypes.SEQUENCE_LABELING)
        from doccano_client.beta.controllers.example import ExamplesController

        examples = ExamplesController(project, f"{self.url}/v1/projects/{pid}", self._session)
        try:
            for ex in examples.all(confirmed="true" if confirmed_only else ""):
                item = Example(id=ex.id, text=ex.example.text, meta=dict(ex.example.meta or {}),
                               confirmed=bool(ex.example.is_confirmed))
                if annotations:
                    item.spans = [
                        {"id": s.id, "label": span_names.get(s.span.label, str(s.span.label)),
                         "start_offset": s.span.start_offset, "end_offset": s.span.end_offset}
                        for s in ex.spans.all()
                    ]
                    item.relations = [
                        {"id": r.id, "from_id": r.relation.from_id, "to_id": r.relation.to_id,
                         "type": rel_names.get(r.relation.type, str(r.relation.type))}
                        for r in ex.relations.all()
                    ]
                yield item
        except requests.HTTPError as err:
            raise DoccanoError(f"doccano at {self.url} could not list examples of project {pid}: {err}") from None

    def record_ids(self, pid: int) -> Dict[str, int]:
        """record id (kept in each example's meta) -> doccano example id."""
        return {ex.record_id: ex.id for ex in self.examples(pid, annotations=False) if ex.record_id}

    # -- upload
    def upload_jsonl(self, pid: int, lines: List[str], filename: str = "records.jsonl") -> None:
        """Import JSONL (relation) lines through doccano's import job; raise if it rejects any line."""
        upload_id = self._request(
            "POST", "fp/process/", "upload the file",
            files={"filepond": (filename, "\n".join(lines).encode("utf8") + b"\n", "application/json")},
            headers={"content-type": None, "accept": "*/*"},
        )
        task = self._request("POST", f"projects/{pid}/upload", "start the import job", json={
            "uploadIds": [str(upload_id).strip()], "format": "JSONL", "task": "RelationExtraction",
            "column_data": "text", "column_label": "label", "delimiter": "", "encoding": "utf_8",
        })
        status = self.wait_task(task["task_id"], "import")
        errors = (status.get("result") or {}).get("error") or []
        if errors:
            shown = "; ".join(
                f"line {e.get('line', '?')}: {e.get('message', e)}" if isinstance(e, dict) else str(e)
                for e in errors[:10]
            )
            raise DoccanoError(f"doccano rejected {len(errors)} line(s) of {filename}: {shown}")

    def wait_task(self, task_id: str, what: str, timeout: float = TASK_TIMEOUT) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status = self._request("GET", f"tasks/status/{task_id}", f"check the {what} job")
            if status.get("ready"):
                if status.get("error"):
                    raise DoccanoError(f"doccano's {what} job failed: {status['error'].get('text', status['error'])}")
                return status
            if time.monotonic() > deadline:
                raise DoccanoError(
                    f"doccano's {what} job did not finish within {timeout:.0f} s: is the worker "
                    f"(`doccano task`) running? doccano also retries a job that crashes, e.g. on lines "
                    f"with different metadata keys"
                )
            time.sleep(0.5)

    # -- annotator actions (what the doccano UI does; used by tests and scripts)
    def set_span_label(self, pid: int, example_id: int, span_id: int, label: str) -> None:
        self._request("PATCH", f"projects/{pid}/examples/{example_id}/spans/{span_id}", "change a span label",
                      json={"label": self.span_types(pid)[label]})

    def add_span(self, pid: int, example_id: int, label: str, start: int, end: int) -> int:
        from doccano_client.beta.models import Span

        span = Span(label=self.span_types(pid)[label], prob=0.0, start_offset=start, end_offset=end)
        return self._request("POST", f"projects/{pid}/examples/{example_id}/spans", "add a span",
                             json=span.to_dict())["id"]

    def delete_span(self, pid: int, example_id: int, span_id: int) -> None:
        self._request("DELETE", f"projects/{pid}/examples/{example_id}/spans/{span_id}", "delete a span")

    def add_relation(self, pid: int, example_id: int, from_id: int, to_id: int, rtype: str) -> int:
        from doccano_client.beta.models import Relation

        rel = Relation(type=self.relation_types(pid)[rtype], prob=0.0, from_id=from_id, to_id=to_id)
        return self._request("POST", f"projects/{pid}/examples/{example_id}/relations", "add a relation",
                             json=rel.to_dict())["id"]

    def set_confirmed(self, pid: int, example_id: int, confirmed: bool = True) -> None:
        """Mark an example done, as the check button in doccano's UI does (it toggles)."""
        states = self._request("GET", f"projects/{pid}/examples/{example_id}/states", "read the example state")
        is_confirmed = bool(states.get("count") if isinstance(states, dict) else states)
        if is_confirmed != confirmed:
            self._request("POST", f"projects/{pid}/examples/{example_id}/states", "confirm the example", json={})


# -- record <-> doccano line ---------------------------------------------------

META_KEYS = ("record_id", "doc_key", "segment", "footnote", "record")


def record_to_line(record: Dict[str, Any]) -> str:
    """A corpus record as one doccano JSONL (relation) line.

    Every line carries the same meta keys with string values (doccano aborts an
    import whose lines differ); `record` keeps the pushed record (minus the text)
    so a pull can restore attributes doccano has no field for.
    """
    rest = {k: v for k, v in record.items() if k != "text"}
    footnote = record.get("footnote")
    line = {
        "text": record["text"],
        "entities": [
            {"id": e["id"], "label": e["label"], "start_offset": e["start_offset"], "end_offset": e["end_offset"]}
            for e in record.get("entities", [])
        ],
        "relations": [
            {"id": r["id"], "from_id": r["from_id"], "to_id": r["to_id"], "type": r["type"]}
            for r in record.get("relations", [])
        ],
        "record_id": str(record["id"]),
        "doc_key": str(record.get("doc_key") or ""),
        "segment": str(record.get("segment") or "body"),
        "footnote": "" if footnote is None else str(footnote),
        "record": json.dumps(rest, ensure_ascii=False),
    }
    return json.dumps(line, ensure_ascii=False)


def pushed_record(example: Example) -> Optional[Dict[str, Any]]:
    """The record as it was pushed (from the example's meta), with its text."""
    raw = example.meta.get("record")
    if not raw:
        return None
    record = json.loads(raw)
    record["text"] = example.text
    return record
