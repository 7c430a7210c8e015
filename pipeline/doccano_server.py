"""Install, start and stop a local doccano server for the correction loop.

doccano 1.8.4 pins libraries that clash with spaCy (pydantic, numpy), so it
lives in its own virtual environment (``.venv-doccano/`` or ``$DOCCANO_VENV``),
never in the pipeline's. Its data (sqlite database, uploads, logs, pid files)
lives in ``.doccano/`` or ``$DOCCANO_HOME``. ``doccano webserver`` always binds
0.0.0.0, so we serve doccano's WSGI app with gunicorn on 127.0.0.1 ourselves,
plus the celery worker (``doccano task``) that runs imports and exports.

    python -m pipeline.doccano_server install   # create the venv (CI: .ci/doccano-setup.sh)
    python -m pipeline.doccano_server up [--port 8000]
    python -m pipeline.doccano_server down
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import typer

from .doccano import DEFAULT_PORT, DoccanoError, ROOT, api_answers, load_credentials, setting

# The only place the server's versions are pinned: doccano 1.8.4 breaks with
# marshmallow 4 and numpy 2, which pip would otherwise pick.
DOCCANO_REQUIREMENTS = ["doccano==1.8.4", "marshmallow<4", "numpy<2"]
HOST = "127.0.0.1"
TEMPLATE_DB = "doccano-empty-db.sqlite3"
START_TIMEOUT = 120.0


@dataclass
class ServerPaths:
    """Where the venv and the server's data live (env vars override the repo defaults)."""

    venv: Path
    home: Path

    @classmethod
    def from_env(cls, venv: Optional[Path] = None, home: Optional[Path] = None) -> "ServerPaths":
        venv = venv or Path(os.environ.get("DOCCANO_VENV", ROOT / ".venv-doccano"))
        home = home or Path(os.environ.get("DOCCANO_HOME", ROOT / ".doccano"))
        return cls(venv=Path(venv).resolve(), home=Path(home).resolve())

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def gunicorn(self) -> Path:
        return self.venv / "bin" / "gunicorn"

    def pid_file(self, name: str) -> Path:
        return self.home / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.home / f"{name}.log"


def venv_ready(paths: ServerPaths) -> bool:
    if not paths.python.exists() or not paths.gunicorn.exists():
        return False
    probe = subprocess.run(
        [str(paths.python), "-c", "import backend, marshmallow, numpy"],
        capture_output=True,
    )
    return probe.returncode == 0


def install(paths: ServerPaths, python: Optional[str] = None) -> None:
    """Create doccano's own venv (idempotent); raise DoccanoError if pip fails."""
    if venv_ready(paths):
        build_template(paths)
        return
    python = python or os.environ.get("DOCCANO_PYTHON") or sys.executable
    steps = [
        [python, "-m", "venv", str(paths.venv)],
        [str(paths.python), "-m", "pip", "install", "--quiet", *DOCCANO_REQUIREMENTS],
    ]
    for cmd in steps:
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
            raise DoccanoError(
                f"could not create doccano's venv at {paths.venv} "
                f"(`{' '.join(cmd[:4])} ...` exited {result.returncode}):\n{tail}"
            )
    if not venv_ready(paths):
        raise DoccanoError(f"doccano's venv at {paths.venv} was created but `import backend` fails")
    build_template(paths)


def backend_dir(paths: ServerPaths) -> Path:
    out = subprocess.run(
        [str(paths.python), "-c", "import backend, os; print(os.path.dirname(backend.__file__))"],
        capture_output=True, text=True, check=True,
    )
    return Path(out.stdout.strip())


def server_env(paths: ServerPaths) -> Dict[str, str]:
    """The environment doccano's cli would set, with a per-home secret key."""
    paths.home.mkdir(parents=True, exist_ok=True)
    key_file = paths.home / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48), encoding="utf8")
        key_file.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCCANO_PASSWORD", "_DOCCANO"))}
    env.update(
        DOCCANO_HOME=str(paths.home),
        STANDALONE="True",
        DEBUG="False",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=f"sqlite:///{paths.home / 'db.sqlite3'}",
        MEDIA_ROOT=str(paths.home / "media"),
        SECRET_KEY=key_file.read_text(encoding="utf8").strip(),
        PYTHONUNBUFFERED="1",
    )
    return env


def _doccano_cli(paths: ServerPaths, args: List[str], secrets_env: Optional[Dict[str, str]] = None) -> None:
    """Run `doccano ARGS` in the venv; an arg "--opt=env:NAME" takes its value from the environment
    inside the child, so a password never appears on a command line (`ps`) or in a log."""
    env = server_env(paths)
    env.update(secrets_env or {})
    env["_DOCCANO_ARGS"] = json.dumps(args)
    code = (
        "import json, os, sys\n"
        "args = json.loads(os.environ.pop('_DOCCANO_ARGS'))\n"
        "def sub(a):\n"
        "    k, eq, v = a.partition('=env:')\n"
        "    return k + '=' + os.environ[v] if eq else a\n"
        "sys.argv = ['doccano'] + [sub(a) for a in args]\n"
        "from backend.cli import main\n"
        "main()\n"
    )
    with paths.log_file("setup").open("a", encoding="utf8") as log:
        result = subprocess.run([str(paths.python), "-c", code], env=env, stdout=log, stderr=log)
    if result.returncode != 0:
        tail = "\n".join(paths.log_file("setup").read_text(encoding="utf8", errors="replace").splitlines()[-10:])
        raise DoccanoError(f"`doccano {args[0]}` failed (log: {paths.log_file('setup')}):\n{tail}")


def init(paths: ServerPaths, username: str, password: str) -> None:
    """Create the database and the admin user once per home.

    Migrating a fresh database takes 15-60 s, so the first one is kept in the venv
    as a template (no users in it) and copied into each new home.
    """
    marker = paths.home / ".initialised"
    if marker.exists():
        return
    paths.home.mkdir(parents=True, exist_ok=True)
    db, template = paths.home / "db.sqlite3", paths.venv / TEMPLATE_DB
    if not db.exists() and template.exists():
        shutil.copy2(template, db)
    else:
        _doccano_cli(paths, ["init"])
        if not template.exists():
            tmp = template.with_suffix(".tmp")
            shutil.copy2(db, tmp)
            os.replace(tmp, template)
    _doccano_cli(
        paths,
        # "--password=VALUE" in one word: a password that starts with "-" is no option
        ["createuser", "--username=env:_DOCCANO_U", "--password=env:_DOCCANO_P"],
        {"_DOCCANO_U": username, "_DOCCANO_P": password},
    )
    marker.write_text("ok\n", encoding="utf8")


def build_template(paths: ServerPaths) -> None:
    """Migrate an empty database once (see `init`), in a throwaway home."""
    if (paths.venv / TEMPLATE_DB).exists():
        return
    with tempfile.TemporaryDirectory() as home:
        scratch = ServerPaths(venv=paths.venv, home=Path(home))
        _doccano_cli(scratch, ["init"])
        tmp = paths.venv / (TEMPLATE_DB + ".tmp")
        shutil.copy2(scratch.home / "db.sqlite3", tmp)
        os.replace(tmp, paths.venv / TEMPLATE_DB)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pid(path: Path) -> Optional[int]:
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _spawn(paths: ServerPaths, name: str, cmd: List[str]) -> int:
    env = server_env(paths)
    log = paths.log_file(name).open("ab")
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True, cwd=str(paths.home),
    )
    paths.pid_file(name).write_text(f"{proc.pid}\n", encoding="utf8")
    return proc.pid


def up(paths: ServerPaths, port: int = DEFAULT_PORT, workers: int = 2) -> str:
    """Install if needed, initialise, start web server + worker, wait for the API. Returns the URL."""
    url = f"http://{HOST}:{port}"
    install(paths)
    username, password = load_credentials()
    paths.home.mkdir(parents=True, exist_ok=True)
    init(paths, username, password)
    if _read_pid(paths.pid_file("web")) and api_answers(url):
        return url
    if api_answers(url):
        raise DoccanoError(f"port {port} on {HOST} is already in use by another server")
    down(paths)
    base = backend_dir(paths)
    _spawn(paths, "web", [
        str(paths.gunicorn), "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--chdir", str(base), "--timeout", "120", "config.wsgi",
    ])
    _spawn(paths, "worker", [
        str(paths.python), "-c", "import sys; sys.argv=['doccano','task','--concurrency','1'];"
        "from backend.cli import main; main()",
    ])
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if api_answers(url):
            return url
        for name in ("web", "worker"):
            if _read_pid(paths.pid_file(name)) is None:
                down(paths)
                raise DoccanoError(f"doccano {name} process died on start; see {paths.log_file(name)}")
        time.sleep(0.3)
    down(paths)
    raise DoccanoError(f"doccano did not answer on {url} within {START_TIMEOUT:.0f} s; see {paths.log_file('web')}")


def down(paths: ServerPaths, timeout: float = 15.0) -> None:
    """Stop the processes this module started (by their pid files): TERM, then KILL after `timeout`."""
    pids = {}
    for name in ("web", "worker"):
        pid = _read_pid(paths.pid_file(name))
        if pid is not None:
            pids[name] = pid
            _signal_group(pid, signal.SIGTERM)  # each runs in its own session: the group holds its children
    deadline = time.monotonic() + timeout
    while any(_pid_alive(p) for p in pids.values()) and time.monotonic() < deadline:
        for pid in pids.values():
            _reap(pid)
        time.sleep(0.1)
    for pid in pids.values():
        if _pid_alive(pid):
            _signal_group(pid, signal.SIGKILL)
            _reap(pid)
    for name in ("web", "worker"):
        paths.pid_file(name).unlink(missing_ok=True)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


cli = typer.Typer(help="Local doccano server (127.0.0.1 only).", no_args_is_help=True)


@cli.command("install")
def install_cmd() -> None:
    """Create doccano's own venv (idempotent)."""
    paths = ServerPaths.from_env()
    start = time.monotonic()
    try:
        install(paths)
    except DoccanoError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    typer.echo(f"doccano venv ready at {paths.venv} ({time.monotonic() - start:.0f} s)")


@cli.command("up")
def up_cmd(port: Optional[int] = typer.Option(None, help="port on 127.0.0.1 (default: $DOCCANO_PORT or 8000)")) -> None:
    """Start doccano (web + worker) on 127.0.0.1:PORT and wait until it answers."""
    paths = ServerPaths.from_env()
    start = time.monotonic()
    try:
        url = up(paths, port or int(setting("DOCCANO_PORT") or DEFAULT_PORT))
    except DoccanoError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1)
    typer.echo(f"doccano is up at {url} ({time.monotonic() - start:.1f} s); data in {paths.home}")


@cli.command("down")
def down_cmd() -> None:
    """Stop the doccano processes started by `up`."""
    paths = ServerPaths.from_env()
    down(paths)
    typer.echo("doccano stopped")


if __name__ == "__main__":
    cli()
