"""Progress bars on stderr for long jobs (first-start backfill, bulk triage)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bot.networks import ProgressCallback

# Below this many posts a backfill is quick: no bar, just the log line.
SHOW_AFTER = 100


@contextmanager
def backfill_progress(stream: str) -> Iterator[ProgressCallback]:
    """A bar that appears once a first-start backfill turns out to be large."""
    console = Console(stderr=True)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("[bold]Importing the last hours of {task.fields[stream]}"),
        BarColumn(),
        TextColumn("{task.completed} posts"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task("backfill", total=None, stream=stream)
    seen = 0

    def advance(count: int) -> None:
        nonlocal seen
        seen += count
        if seen >= SHOW_AFTER and not progress.live.is_started:
            progress.start()
        progress.update(task, completed=seen)

    try:
        yield advance
    finally:
        if progress.live.is_started:
            progress.stop()
