"""Several brand accounts on one network, each its own connected network.

A brand often has more than one account on a network (@acme_es and @acme_ar on X). Each
is connected as a network of its own, with its own name in the registry (`x`, `x:ar`),
its own credentials, its own `whoami()` and its own poll checkpoints; `Case.network`
names the account a case came to, so its reply goes out from that account.

Secrets stay in the environment. A network's unsuffixed variables are its first account,
exactly as with one account (`X_ACCESS_TOKEN`, …). `<PREFIX>_ACCOUNTS` lists the others
(`X_ACCOUNTS=ar,mx`), and each reads `<PREFIX>_<ACCOUNT>_<NAME>` (`X_AR_ACCESS_TOKEN`).
A variable the network marks as *shared* (an app's keys, a base URL) falls back to the
unsuffixed one, so accounts of the same app repeat only what differs.

A network adopts this by writing its `read_settings` for one account over an
`AccountReader` and registering `each_account(...)` in `bot/networks/registry.py`; its
settings block takes the account's `name`, and its `Network` reports that name (and puts
it on every `FetchedPost`). `bot.networks.x` is the example.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.settings_reader import EnvReader

ACCOUNT = re.compile(r"^[a-z0-9][a-z0-9_]{0,15}$")
Block = TypeVar("Block")


@dataclass(frozen=True)
class Account:
    """One brand account's place in the settings."""

    network: str  # the network's registry name, e.g. "x"
    prefix: str  # its variables' prefix, e.g. "X"
    suffix: str | None = None  # None: the unsuffixed variables; else e.g. "ar"

    @property
    def name(self) -> str:
        """The account's registry name: `x`, or `x:ar` for another account."""
        return self.network if self.suffix is None else f"{self.network}:{self.suffix}"

    def variable(self, key: str) -> str:
        """`X_ACCESS_TOKEN` for the first account, `X_AR_ACCESS_TOKEN` for account ar."""
        if self.suffix is None:
            return f"{self.prefix}_{key}"
        return f"{self.prefix}_{self.suffix.upper()}_{key}"


class AccountReader:
    """Reads one account's variables: problems name that account's own variable."""

    def __init__(self, reader: EnvReader, account: Account, *, several: bool):
        self.reader = reader
        self.account = account
        # Other accounts of this network are listed (<PREFIX>_ACCOUNTS is set).
        self.several = several
        self.problems = reader.problems

    @property
    def is_first(self) -> bool:
        return self.account.suffix is None

    def variable(self, key: str) -> str:
        return self.account.variable(key)

    def _shared(self, key: str) -> str:
        """Where a shared value comes from for this account: its own variable, else the
        unsuffixed one."""
        own = self.variable(key)
        if self.reader.raw(own) is not None or self.is_first:
            return own
        first = Account(self.account.network, self.account.prefix).variable(key)
        return first if self.reader.raw(first) is not None else own

    def name_of(self, key: str, *, shared: bool = False) -> str:
        """The variable this account's `key` is read from."""
        return self._shared(key) if shared else self.variable(key)

    def raw(self, key: str, *, shared: bool = False) -> str | None:
        return self.reader.raw(self.name_of(key, shared=shared))

    def any_set(self, *keys: str) -> bool:
        """Whether any of this account's own variables has a value."""
        return self.reader.any_set(*(self.variable(key) for key in keys))

    def required(self, key: str, what: str, *, shared: bool = False) -> str:
        name = self.name_of(key, shared=shared)
        if shared and not self.is_first and self.reader.raw(name) is None:
            first = Account(self.account.network, self.account.prefix).variable(key)
            what = f"{what} (or {first}, shared by every account)"
        return self.reader.required(name, what)

    def url(self, key: str, *, shared: bool = False) -> str | None:
        return self.reader.url(self.name_of(key, shared=shared))


def listed_accounts(reader: EnvReader, network: str, prefix: str) -> list[Account]:
    """The other accounts named in `<PREFIX>_ACCOUNTS`, each checked."""
    accounts: list[Account] = []
    variable = f"{prefix}_ACCOUNTS"
    for raw in reader.csv(variable):
        suffix = raw.lower()
        if not ACCOUNT.match(suffix):
            reader.problems.append(
                f"{variable} entry {raw!r} must be a short name of lowercase letters, digits "
                "and _ (at most 16), like ar or support."
            )
            continue
        if any(a.suffix == suffix for a in accounts):
            reader.problems.append(f"{variable} names the account {raw!r} twice.")
            continue
        accounts.append(Account(network, prefix, suffix))
    return accounts


def each_account(
    network: str, prefix: str, read_one: Callable[[AccountReader], Block | None]
) -> Callable[[EnvReader], tuple[Block, ...]]:
    """A settings reader for the registry: the first account's block (None when it is
    not configured) and one block for each account in `<PREFIX>_ACCOUNTS`."""

    def read(reader: EnvReader) -> tuple[Block, ...]:
        others = listed_accounts(reader, network, prefix)
        accounts = [Account(network, prefix), *others]
        blocks = (
            read_one(AccountReader(reader, account, several=bool(others))) for account in accounts
        )
        return tuple(block for block in blocks if block is not None)

    return read
