"""Command line: `python -m bot [run | web | worker | demo | db upgrade | triage]`.

`run` (the default) is the whole bot in one process; `web` serves Slack and webhooks only
(run as many as you like); `worker` polls, publishes, chases deadlines and sends reports
while it holds the worker lease (run one, or two for a standby). See the README,
"More than one process"."""

from __future__ import annotations

import argparse
import faulthandler
import logging
import signal
import sys
import threading

from bot.config import ConfigError, load_database_url, load_log_format, load_settings
from bot.observability.logs import configure_logging

EXIT_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Carethread: X mentions as Slack threads."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot: Slack app + worker in one process (the default)")
    commands.add_parser(
        "web", help="serve Slack and the networks' webhooks only (stateless; run any number)"
    )
    commands.add_parser(
        "worker",
        help="poll, publish, deadlines, reports (one active at a time; others stand by)",
    )
    demo = commands.add_parser(
        "demo",
        help="the whole product on local stand-ins, clicked through in a local web page; "
        "no accounts needed",
    )
    demo.add_argument(
        "--speed", type=float, default=1.0, help="how fast sample posts arrive (2 = twice as fast)"
    )
    demo.add_argument("--once", action="store_true", help="stop when every sample post is in Slack")
    demo.add_argument(
        "--plain", action="store_true", help="print events as lines instead of a live view"
    )
    demo.add_argument(
        "--no-browser", action="store_true", help="only print the page's address; open nothing"
    )
    demo.add_argument(
        "--port", type=int, default=0, help="serve the page on this port (default: any free one)"
    )
    demo.add_argument(
        "--story",
        action="store_true",
        help="play the scripted agent and approver by themselves (--once always does)",
    )
    db = commands.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])
    commands.add_parser("triage", help="triage JSON lines from stdin to stdout")
    args = parser.parse_args(argv)
    try:
        configure_logging(load_log_format())
        if args.command == "db":
            return _db(args.action)
        if args.command == "demo":
            from sandbox.demo import run_demo

            return int(
                run_demo(
                    speed=args.speed,
                    once=args.once,
                    plain=args.plain,
                    open_browser=not args.no_browser,
                    port=args.port,
                    story=args.story,
                )
            )
        if args.command == "triage":
            return _triage()
        return _run(args.command or "run")
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"Configuration error: {problem}", file=sys.stderr)
        return EXIT_CONFIG


def _db(action: str) -> int:
    from storage.db import current_revision, make_engine, upgrade

    engine = make_engine(load_database_url())
    if action == "upgrade":
        print(f"Database is at revision {upgrade(engine)}.")
    else:
        print(f"Database is at revision {current_revision(engine) or '(none)'}.")
    engine.dispose()
    return 0


def _triage() -> int:
    from bot.config import load_triage_config
    from bot.triage.cli import main as triage_main

    return triage_main([], sys.stdin, sys.stdout, sys.stderr, load_triage_config())


def _run(command: str) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"Configuration error: {problem}", file=sys.stderr)
        print(
            "See .env.example for every setting. To try Carethread without any accounts: "
            "python -m bot demo",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    from bot.app import Role, StartupError, build_runtime
    from bot.progress import backfill_progress
    from storage.db import SchemaOutOfDate

    try:
        role = Role.ALL if command == "run" else Role(command)
        runtime = build_runtime(settings, progress_factory=backfill_progress, role=role)
    except (StartupError, SchemaOutOfDate) as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    stop = threading.Event()
    # `kill -USR1 <pid>` prints every thread's stack to stderr: what a stuck process is doing.
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    # Hosts send SIGTERM before stopping a process; Ctrl-C sends SIGINT.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    runtime.start()
    stop.wait()
    logging.getLogger("carethread").info("Stopping…")
    runtime.stop()
    logging.getLogger("carethread").info("Stopped cleanly.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
