"""The HTML report: content checks on the page, then a real headless Chromium run.

The browser tests drive Debian's ``chromium`` over the DevTools protocol on a
pipe (``--remote-debugging-pipe``: no port, no extra Python package) and are
skipped when chromium is not installed. Set ``REPORT_SCREENSHOT=path.png`` to
keep the full-page screenshot (the README's is configs/report_screenshot.png).
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.report import build_html, date_bounds, render_text, report

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "extract_sample.jsonl"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def load(path: Path = SAMPLE) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf8").splitlines() if line.strip()]


@pytest.fixture()
def page(tmp_path) -> Path:
    import typer

    app = typer.Typer()
    app.command()(report)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, [str(SAMPLE), "--html", str(out)])
    assert result.exit_code == 0, result.output
    return out


class Collect(HTMLParser):
    """Tags with attributes, and whether any element asks for an outside resource."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list:
    c = Collect()
    c.feed(html)
    return c.tags


# ---------------------------------------------------------------- static checks


def test_report_counts_events_nodes_and_citations(page):
    tags = parse(page.read_text(encoding="utf8"))
    rows = [a for t, a in tags if t == "tr" and a.get("class") == "event-row"]
    assert len(rows) == 10
    assert [a["data-type"] for a in rows].count("MEETING") == 3
    nodes = sorted(a["data-node-id"] for t, a in tags if t == "g" and "node" in a.get("class", "").split())
    assert nodes == ["chicherin_georgy", "joffe_adolf", "kopp_viktor", "lenin_vladimir", "politburo", "trotsky_leon"]
    edges = {(a["data-source"], a["data-target"]): int(a["data-weight"]) for t, a in tags if t == "g" and a.get("class") == "edge"}
    assert edges[("kopp_viktor", "chicherin_georgy")] == 2  # two letters between the same pair
    assert edges[("kopp_viktor", "lenin_vladimir")] == 2  # a copy and a report
    assert ("lenin_vladimir", "kopp_viktor") not in edges  # a meeting is not a letter
    assert sum(1 for t, a in tags if t == "tr" and a.get("class") == "citation-row") == 3
    # 9 dated events on the timeline; the undated meeting is reported, not drawn
    assert sum(1 for t, a in tags if t == "g" and "tl-event" in a.get("class", "")) == 9


def test_report_is_self_contained(page):
    html = page.read_text(encoding="utf8")
    tags = parse(html)
    for tag, attrs in tags:
        for key in ("src", "href", "xlink:href"):
            value = attrs.get(key)
            if value is not None:
                assert value.startswith("#") or value.startswith("data:"), (tag, key, value)
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", html), "no outside URLs"
    assert not any(t == "link" for t, _ in tags)


def test_mentions_link_to_entity_index_with_canonical_and_id(page):
    tags = parse(page.read_text(encoding="utf8"))
    mentions = [a for t, a in tags if t == "a" and "ent" in a.get("class", "").split()]
    # only the document with a raw file is shown: all 41 of its mentions highlighted
    assert len(mentions) == 41
    simons = [a for a in mentions if a["data-entity-id"] == "simons_walter"]
    assert simons and "Walter Simons" in simons[0]["title"] and "simons_walter" in simons[0]["title"]
    index_ids = {a["id"]: a for t, a in tags if t == "tr" and a.get("class") == "entity-row"}
    target = index_ids[simons[0]["href"][1:]]
    assert target["data-entity-id"] == "simons_walter"
    kopp = next(a for a in index_ids.values() if a["data-entity-id"] == "kopp_viktor")
    html = page.read_text(encoding="utf8")
    row = re.search(r'<tr class="entity-row" id="%s".*?</tr>' % kopp["id"], html).group(0)
    assert "Kopp <span class=\"count\">×10</span>" in row  # 8 + 2 mentions over both documents


def test_missing_source_is_reported_and_rest_still_shown(page):
    html = page.read_text(encoding="utf8")
    assert 'class="missing-source"' in html and "tests/fixtures/missing_source.txt" in html
    assert 'data-event-id="missing_source#e1"' in html  # its events are still in the table


def test_source_found_next_to_the_jsonl_from_any_working_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # "tests/fixtures/extract_sample.txt" no longer resolves from here
    html = build_html(load(), SAMPLE.parent, "t")
    assert html.count('class="missing-source"') == 1 and html.count('class="doc-text"') == 1


def test_text_is_escaped(tmp_path):
    raw = 'Kopp <script>alert(1)</script> wrote "<b>" & left.'
    src = tmp_path / "evil.txt"
    src.write_text(raw, encoding="utf8")
    evil = '<img src=x onerror=alert(1)>'
    doc = {"doc_id": "evil<i>", "source": str(src),
           "entities": [{"start": 0, "end": 4, "text": "Kopp", "label": "PERSON", "entity_id": 'x" onmouseover="alert(1)',
                         "canonical": evil, "date": None}],
           "events": [{"id": "e<1>", "type": "COMMUNICATION", "medium": "letter",
                       "sender": [{"entity_id": "a", "canonical": evil, "text": "Kopp", "start": 0, "end": 4}],
                       "recipient": [{"entity_id": "b</svg><script>x()</script>", "canonical": "B & <C>", "text": "B", "start": 0, "end": 1}],
                       "cc": [], "participant": [], "date": None, "place": None, "source": None,
                       "evidence": {"start": 0, "end": 10, "text": "</td><script>alert(2)</script>"}, "confidence": 0.5}],
           "citations": [{"start": 0, "end": 1, "text": "<script>", "archive": {"entity_id": "r", "canonical": "<b>R</b>"},
                          "fond": "<1>", "opis": "", "delo": "", "pages": ""}]}
    html = build_html([doc], tmp_path, "t<script>")
    body = html.split("<script>")  # exactly one real script element: ours, at the end
    assert len(body) == 2 and body[1].lstrip().startswith("//")
    tags = parse(html)
    assert not any(t in ("img", "b", "i") for t, _ in tags)
    assert not any(k.startswith("on") for _, a in tags for k in a)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_offsets_that_do_not_match_the_file_are_not_highlighted():
    ents = [{"start": 0, "end": 4, "text": "Kopp", "label": "PERSON", "entity_id": "k", "canonical": "Viktor Kopp", "date": None},
            {"start": 10, "end": 15, "text": "Lenin", "label": "PERSON", "entity_id": "l", "canonical": "Lenin", "date": None}]
    html, skipped = render_text("Kopp wrote to Lenin.", ents, {"k": "ent-1", "l": "ent-2"})
    assert skipped == 1 and html.count('class="ent ') == 1 and "Lenin." in html


@pytest.mark.parametrize("value,precision,start,end", [
    ("1920-09-07", "day", "1920-09-07", "1920-09-08"),
    ("1920-06/1920-08", "season", "1920-06-01", "1920-09-01"),
    ("1920-12/1921-02", "season", "1920-12-01", "1921-03-01"),
    ("1918/1921", "interval", "1918-01-01", "1922-01-01"),
])
def test_date_bounds(value, precision, start, end):
    lo, hi = date_bounds({"value": value, "precision": precision})
    assert (lo.isoformat(), hi.isoformat()) == (start, end)


def test_bad_jsonl_names_file_and_line(tmp_path):
    import typer

    bad = tmp_path / "bad.jsonl"
    bad.write_text(SAMPLE.read_text(encoding="utf8").splitlines()[0] + "\n{\"doc_id\": \"x\"}\n", encoding="utf8")
    app = typer.Typer()
    app.command()(report)
    result = CliRunner().invoke(app, [str(bad), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 1
    assert f"{bad}:2: missing key(s) source, entities, events, citations" in result.output
    assert not (tmp_path / "r.html").exists()


# ---------------------------------------------------------------- real browser


class Chromium:
    """Just enough of the DevTools protocol over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile: Path) -> None:
        to_child_r, self._w = os.pipe()
        self._r, from_child_w = os.pipe()
        # park the child's ends above 3/4 so the dup2 calls below cannot clobber each other
        hi_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        hi_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)

        def child_fds() -> None:
            os.dup2(hi_r, 3)  # dup2 clears close-on-exec, so only these two reach chromium
            os.dup2(hi_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False,
        )
        os.close(hi_r)
        os.close(hi_w)
        self._buf = b""
        self._id = 0
        self.events: list = []
        self.session = None

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method: str, params: dict | None = None, session: bool = True, timeout: float = 30) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode("utf8") + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        for ev in self.events:
            if ev.get("method") == method:
                return ev
        deadline = time.monotonic() + timeout
        while True:
            ev = self._read(deadline)
            self.events.append(ev)
            if ev.get("method") == method:
                return ev

    def eval(self, expr: str):
        res = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError(f"{expr}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element, as a reader would do."""
        box = self.eval(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})

    def problems(self) -> list:
        """Console errors, uncaught exceptions, browser log errors (CSP violations, failed loads)."""
        out = []
        for ev in self.events:
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append(p["exceptionDetails"].get("text"))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                out.append(p["entry"].get("text"))
        return out

    def requests(self) -> list:
        return [ev["params"]["request"]["url"] for ev in self.events if ev.get("method") == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False, timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._r)
        os.close(self._w)


@pytest.fixture()
def browser(tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    b = Chromium(tmp_path / "profile")
    yield b
    b.close()


@pytest.mark.browser
def test_report_in_headless_chromium(page, browser, tmp_path):
    browser.open(page.resolve().as_uri())
    assert browser.eval("document.documentElement.getAttribute('data-ready')") == "1", "the page script ran"
    assert browser.eval("document.querySelectorAll('#events-table tbody tr.event-row').length") == 10
    assert browser.eval("document.querySelectorAll('#network g.node').length") == 6
    assert browser.eval("document.querySelectorAll('#network g.edge').length") == 7
    assert browser.eval("document.querySelectorAll('#timeline g.tl-event').length") == 9
    # the SVGs really laid out (a broken SVG renders with no size)
    assert browser.eval("document.getElementById('network').getBoundingClientRect().height") > 300
    assert browser.eval("document.querySelector('#network g.node circle').getBBox().width") > 5

    dates = "Array.from(document.querySelectorAll('#events-table tbody tr')).map(r => r.cells[0].dataset.sort)"
    senders = "Array.from(document.querySelectorAll('#events-table tbody tr')).map(r => r.cells[3].textContent)"
    original = browser.eval(dates)
    browser.click("#events-table th[data-key=date]")
    asc = browser.eval(dates)
    assert asc == sorted(original) and asc != original
    assert asc[0] == "1920-06/1920-08" and asc[-1] == "9999"  # undated last
    assert browser.eval("document.querySelector('#events-table th[data-key=date]').getAttribute('aria-sort')") == "ascending"
    browser.click("#events-table th[data-key=date]")
    assert browser.eval(dates) == sorted(original, reverse=True)
    browser.click("#events-table th[data-key=sender]")
    by_sender = browser.eval(senders)
    assert by_sender[0] == "Adolf Joffe" and by_sender[-1] == "Viktor Kopp, Walter Simons"
    browser.click("#events-table th[data-key=conf]")  # numeric column
    confs = browser.eval("Array.from(document.querySelectorAll('#events-table tbody tr')).map(r => parseFloat(r.cells[9].dataset.sort))")
    assert confs == sorted(confs) and confs[0] == 0.6

    browser.click("#events-filter")
    browser.send("Input.insertText", {"text": "telegram"})
    assert browser.eval("Array.from(document.querySelectorAll('#events-table tbody tr')).filter(r => !r.hidden).length") == 1

    shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    png = tmp_path / "report.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    if os.environ.get("REPORT_SCREENSHOT"):
        browser.eval("document.getElementById('events-filter').value = ''; document.getElementById('events-filter').dispatchEvent(new Event('input'))")
        browser.eval("window.scrollTo(0, 0)")
        keep = browser.send("Page.captureScreenshot", {"format": "png", "clip": {"x": 0, "y": 0, "width": 1280, "height": 1700, "scale": 1}, "captureBeyondViewport": True})
        Path(os.environ["REPORT_SCREENSHOT"]).write_bytes(base64.b64decode(keep["data"]))

    assert browser.problems() == []
    assert [u for u in browser.requests() if not u.startswith(("file://", "data:"))] == []
