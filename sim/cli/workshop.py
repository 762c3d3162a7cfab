"""``mph workshop``: serve the workshop web app on this machine, fully offline."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from scenarios.errors import UserError
from sim import announce_compiling
from sim.cli.args import add_lang_option

APP = Path(__file__).parent.parent / "workshop" / "app.py"  # the Streamlit script beside the page it runs


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("workshop", help="serve the workshop web app (both methods side by side, live)",
                       description="Serve the workshop dashboard: a room moves staffing and mandate levers and sees "
                       "the old method and 'één gezin, één plan, één regisseur' side by side. Works offline; open "
                       "the printed address in a browser.")
    p.add_argument("scenario", nargs="?", type=Path,
                   help="base scenario YAML (default: the example municipality); 'reset' returns to it")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for the room's network, "
                   "which needs a password in $MPH_WORKSHOP_PASSWORD)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8),
                   help="worker processes for the replications (default: the processor cores, at most 8; 1: none)")
    add_lang_option(p)
    p.set_defaults(handler=handle)


def streamlit_command(host: str, port: int) -> list[str]:
    """Streamlit with no usage statistics, no browser to open, no file watcher, and its own bundled assets only."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            "--global.developmentMode", "false", "--client.toolbarMode", "minimal"]


def handle(args: argparse.Namespace) -> int:
    import ipaddress

    from scenarios.scenario import load_scenario
    from sim.workshop import BASE_ENV, LANG_ENV, MIN_PASSWORD, PASSWORD_ENV, WORKERS_ENV

    try:
        local = ipaddress.ip_address(args.host).is_loopback
    except ValueError:
        local = args.host == "localhost"
    password = os.environ.get(PASSWORD_ENV, "")
    if not local and len(password) < MIN_PASSWORD:
        raise UserError(f"--host {args.host}: beyond this machine anyone on the network could use the app and read "
                        f"its exports; set a password of at least {MIN_PASSWORD} characters in ${PASSWORD_ENV} "
                        "(participants type it once), or use --host 127.0.0.1")
    if not 1 <= args.port <= 65535:
        raise UserError(f"--port: must be 1-65535, got {args.port}")
    if args.workers < 1:
        raise UserError(f"--workers: must be at least 1, got {args.workers}")
    env = dict(os.environ, MPLBACKEND="Agg")
    env[WORKERS_ENV] = str(args.workers)
    env[LANG_ENV] = args.lang
    if args.scenario is not None:
        load_scenario(args.scenario)  # a bad file is reported here, as one line, before the server starts
        env[BASE_ENV] = str(args.scenario.resolve())
    announce_compiling()
    print(f"mph workshop: http://{args.host}:{args.port}  (Ctrl+C stops it)", flush=True)
    if not local:
        print(f"mph workshop: listening beyond this machine; participants need the password in ${PASSWORD_ENV}. "
              "The connection is not encrypted: use it on the room's own network only", flush=True)
    return serve(streamlit_command(args.host, args.port), env)


def serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server until it ends or Ctrl+C. The server runs in its own session with its output in a log file,
    so that Ctrl+C reaches only this process, which stops the server and its worker processes (their process
    group, by its id) and ends with one line (``mph: interrupted``, exit status 130) instead of their tracebacks.
    The log's tail is shown only when the server fails by itself."""
    log = Path(tempfile.gettempdir()) / f"mph-workshop-{os.getpid()}.log"
    # kill (SIGTERM) or a closed terminal (SIGHUP) stop the server as Ctrl+C does: it runs in a session of its own,
    # so nothing else would reach it, and it would go on listening on its port
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _as_ctrl_c)
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = process.wait()
        except KeyboardInterrupt:
            for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(stop_signal, signal.SIG_IGN)  # a second signal does not interrupt the stopping
            stop_server(process)
            log.unlink(missing_ok=True)
            raise
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-20:]
        print("\n".join(tail), file=sys.stderr)
        print(f"mph workshop: the server stopped with exit status {code}; its log: {log}", file=sys.stderr)
        return code
    log.unlink(missing_ok=True)
    return 0


def _as_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def stop_server(process: subprocess.Popen) -> None:
    """Stop a server started in a session of its own, and its worker processes: its process group, by its id."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
