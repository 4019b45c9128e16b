"""Web + worker processes: how fast a standby worker takes over, and what each process
costs in memory when idle.

    .venv/bin/python bench/roles_bench.py [--database sqlite|postgresql] [--lease 15] [--runs 3]

Starts real `python -m bot web` and two `python -m bot worker` processes against the
stand-ins, then, per run:
- **killed** leader (`kill -9`): time from the kill until the standby reports itself
  active (`/readyz`), and until a mention made right after the kill is in Slack;
- **frozen** leader (SIGSTOP: alive but silent, as a machine cut off from the network; no
  registry can call it dead, so the lease must run out): the same two times.
Idle resident memory (VmRSS) of each process after it settled. Not a test: numbers
depend on the machine; the README quotes a run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from pathlib import Path

from common import database_url

from tests.integration.harness import close_sandbox, open_sandbox
from tests.integration.processes import BotProcess, wait_until


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--lease", type=int, default=15, help="WORKER_LEASE_SECONDS")
    parser.add_argument("--poll", type=int, default=5, help="POLL_INTERVAL_SECONDS")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    url, drop = database_url(args.database)
    box = open_sandbox(url)
    logs = Path(tempfile.mkdtemp(prefix="carethread-roles-bench-"))
    env = box.subprocess_env(
        WORKER_LEASE_SECONDS=str(args.lease), POLL_INTERVAL_SECONDS=str(args.poll)
    )
    processes: list[BotProcess] = []

    def start(command: str) -> BotProcess:
        bot = BotProcess(env, command, logs)
        processes.append(bot)
        bot.wait_ready()
        return bot

    try:
        web = start("web")
        workers = [start("worker"), start("worker")]
        leader = wait_until(lambda: next((w for w in workers if w.active()), None), 30)
        time.sleep(max(5, 2 * args.poll))  # settled: first polls done, caches warm
        print(f"idle RSS: web {rss_mb(web.pid):.0f} MB, worker {rss_mb(leader.pid):.0f} MB")
        results: dict[str, list[tuple[float, float]]] = {"killed": [], "frozen": []}
        for run in range(args.runs):
            for how in ("killed", "frozen"):
                standby = next(w for w in workers if w is not leader)
                box.customer(f"{how}{run}")
                if how == "killed":
                    leader.kill()
                else:
                    leader.freeze()
                gone = time.monotonic()
                box.mention(f"{how}{run}", f"{how} leader, run {run}")
                wait_until(standby.active, 4 * args.lease, "takeover")
                active = time.monotonic() - gone
                wait_until(
                    lambda h=how, r=run: any(
                        f"{h} leader, run {r}" in " ".join(box.slack.message_texts(m))
                        for m in box.roots()
                    ),
                    4 * args.lease + 4 * args.poll,
                    "the mention in Slack",
                )
                in_slack = time.monotonic() - gone
                results[how].append((active, in_slack))
                print(
                    f"run {run} {how}: active after {active:.1f} s, in Slack after {in_slack:.1f} s"
                )
                leader.stop()  # the killed one is gone; the frozen one is ended now
                processes.remove(leader)
                leader = standby
                workers = [standby, start("worker")]
        for how, found in results.items():
            actives = [a for a, _ in found]
            slacks = [s for _, s in found]
            print(
                f"{how} leader ({args.database}, lease {args.lease} s, poll {args.poll} s): "
                f"takeover median {statistics.median(actives):.1f} s (max {max(actives):.1f}), "
                f"mention in Slack median {statistics.median(slacks):.1f} s"
            )
        print(f"roots in Slack: {len(box.roots())} (expected {2 * args.runs})")
    finally:
        for bot in processes:
            bot.stop()
        close_sandbox(box)
        drop()


if __name__ == "__main__":
    main()
