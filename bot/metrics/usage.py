"""Count what Carethread reads from and writes to each network, per UTC day and kind.

One upsert per event, in the caller's unit of work (the poll that stored the posts read,
the send that recorded the reply), so the count moves with what it counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import NetworkUsage


def record_usage(session: Session, network: str, kind: str, count: int, at: datetime) -> None:
    """Add `count` to today's (UTC) counter of `kind` on `network`."""
    if count <= 0:
        return
    values = {"day": at.astimezone(UTC).date(), "network": network, "kind": kind, "count": count}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(NetworkUsage).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "network", "kind"],
            set_={"count": NetworkUsage.count + statement.excluded.count},
        )
    )


def load_usage(session: Session, first_day: date, last_day: date) -> dict[str, dict[str, int]]:
    """network → kind → count, over the UTC days first_day..last_day (inclusive)."""
    usage: dict[str, dict[str, int]] = defaultdict(dict)
    rows = session.execute(
        select(NetworkUsage.network, NetworkUsage.kind, NetworkUsage.count).where(
            NetworkUsage.day >= first_day, NetworkUsage.day <= last_day
        )
    )
    for network, kind, count in rows:
        usage[network][kind] = usage[network].get(kind, 0) + count
    return dict(usage)
