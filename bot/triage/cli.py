"""`python -m bot triage`: JSON lines in (one post each), JSON lines out (one triage each).

Input lines: {"id": any, "text": str, "followers"?: int}. Output lines: {"id", "language",
"intent", "sentiment", "priority", "reasons", "pii": [{"type", "start", "end"}]}; the personal
data itself is never echoed. A malformed line is reported on stderr with its line number and
skipped and counted on stderr; the exit status stays 0, because a bad line in a
large batch must not read as a failed run to the script that called us.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import IO, Any

from bot.triage import CustomerContext, TriageConfig, triage_post

# Above this many lines a progress bar is worth showing even when stderr is not a terminal.
LARGE_INPUT_LINES = 5_000


class LineError(ValueError):
    """A line that cannot be triaged; the message says why."""


def parse_line(line: str) -> tuple[Any, str, int]:
    """(id, text, followers) of one input line, or LineError."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON ({exc.msg})") from exc
    if not isinstance(record, dict):
        raise LineError("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise LineError('"text" is missing or not a string')
    followers = record.get("followers", 0)
    if followers is None:
        followers = 0
    if isinstance(followers, bool) or not isinstance(followers, int) or followers < 0:
        raise LineError('"followers" must be a non-negative integer')
    return record.get("id"), text, followers


def triage_lines(
    lines: Iterator[str],
    stdout: IO[str],
    stderr: IO[str],
    config: TriageConfig,
    progress: Callable[[], None] | None = None,
) -> int:
    """Triage each line; returns how many were skipped."""
    skipped = 0
    for number, line in enumerate(lines, start=1):
        if progress is not None:
            progress()
        if not line.strip():
            continue
        try:
            post_id, text, followers = parse_line(line)
        except LineError as exc:
            skipped += 1
            print(f"line {number}: skipped: {exc}", file=stderr)
            continue
        result = triage_post(text, CustomerContext(followers=followers), config)
        out = {
            "id": post_id,
            "language": result.language,
            "intent": result.intent,
            "sentiment": result.sentiment,
            "priority": result.priority,
            "reasons": list(result.reasons),
            "pii": [{"type": m.type, "start": m.start, "end": m.end} for m in result.pii],
        }
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return skipped


def main(
    argv: list[str] | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    config: TriageConfig | None = None,
) -> int:
    """Run the triage filter; 0 when the input was read to the end, 2 on bad usage."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    config = config if config is not None else TriageConfig()
    args = list(argv or [])
    if args and args[0] in ("-h", "--help"):
        print((__doc__ or "").strip(), file=stdout)
        return 0
    if args:
        print(f"triage: unexpected arguments {args}; it reads JSON lines on stdin", file=stderr)
        return 2

    lines: list[str] | None = stdin.readlines() if not _is_tty(stdin) else None
    with ExitStack() as stack:
        advance: Callable[[], None] | None = None
        if lines is not None and (_is_tty(stderr) or len(lines) >= LARGE_INPUT_LINES):
            from rich.console import Console
            from rich.progress import Progress

            bar = stack.enter_context(
                Progress(console=Console(file=stderr, stderr=True), transient=True)
            )
            task = bar.add_task("triage", total=len(lines))

            def advance() -> None:
                bar.advance(task)

        source = iter(lines) if lines is not None else iter(stdin)
        skipped = triage_lines(source, stdout, stderr, config, advance)
    if skipped:
        print(f"triage: skipped {skipped} malformed line(s)", file=stderr)
    return 0


def _is_tty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
