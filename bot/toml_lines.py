"""Where each table and key of a TOML text is, so a problem can name its line.

`tomllib` gives no positions. This small scan follows the file's structure: table headers,
arrays of tables (`[[routing.rules]]`, numbered from 0 in the paths it returns, like the
parsed list), dotted and quoted keys, and it skips the inside of multi-line strings and
arrays. A value inside an inline table or a multi-line array has the line of its key.
"""

from __future__ import annotations

PathPart = str | int
Path = tuple[PathPart, ...]


def key_lines(text: str) -> dict[Path, int]:
    """The line (from 1) of every table header and key, by path: ("routing", "rules", 1,
    "intent") is the `intent` key of the second `[[routing.rules]]`."""
    lines: dict[Path, int] = {}
    # How many elements each array of tables has so far, by its (unnumbered) path.
    arrays: dict[tuple[str, ...], int] = {}
    table: Path = ()
    open_quote: str | None = None
    depth = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if open_quote is not None:
            if open_quote in raw:
                open_quote = None
            continue
        if depth > 0:
            depth = max(0, depth + _bracket_balance(raw))
            continue
        stripped = _without_comment(raw).strip()
        if not stripped:
            continue
        if stripped.startswith("[["):
            names = _split_key(stripped[2:].split("]]", 1)[0])
            arrays[names] = arrays.get(names, 0) + 1
            table = (*_numbered(names[:-1], arrays), names[-1], arrays[names] - 1)
            _note(lines, table, number, start=1)
            continue
        if stripped.startswith("["):
            names = _split_key(stripped[1:].split("]", 1)[0])
            table = _numbered(names, arrays)
            _note(lines, table, number, start=1)
            continue
        key, sep, value = _partition_unquoted(stripped, "=")
        if not sep:
            continue
        _note(lines, (*table, *_split_key(key)), number, start=len(table) + 1)
        value = value.strip()
        for quote in ('"""', "'''"):
            if value.startswith(quote) and value.count(quote) == 1:
                open_quote = quote
        depth = max(0, _bracket_balance(value))
    return lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of `path`, else of its closest enclosing key or table that has one."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def _note(lines: dict[Path, int], path: Path, number: int, *, start: int) -> None:
    for end in range(start, len(path) + 1):
        lines.setdefault(path[:end], number)


def _numbered(names: tuple[str, ...], arrays: dict[tuple[str, ...], int]) -> Path:
    """A header's path with the current element's index after each array of tables in it
    (`[routing.rules.extra]` belongs to the latest `[[routing.rules]]`)."""
    path: list[PathPart] = []
    for end, name in enumerate(names, 1):
        path.append(name)
        count = arrays.get(names[:end])
        if count:
            path.append(count - 1)
    return tuple(path)


def _without_comment(line: str) -> str:
    return _partition_unquoted(line, "#")[0]


def _partition_unquoted(text: str, separator: str) -> tuple[str, str, str]:
    quote: str | None = None
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == separator:
            return text[:index], separator, text[index + 1 :]
    return text, "", ""


def _split_key(key: str) -> tuple[str, ...]:
    parts = []
    rest = key
    while True:
        part, sep, rest = _partition_unquoted(rest, ".")
        parts.append(part.strip().strip("\"'"))
        if not sep:
            return tuple(parts)


def _bracket_balance(text: str) -> int:
    balance, quote = 0, None
    for char in _without_comment(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "[{":
            balance += 1
        elif char in "]}":
            balance -= 1
    return balance
