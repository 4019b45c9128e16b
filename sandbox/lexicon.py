"""A small validator for AT Protocol lexicons: records, XRPC parameters, inputs and outputs.

The `atproto` package parses lexicon files (`atproto_lexicon`) but does not validate data
against them, and its pydantic models check string lengths in code points, not the UTF-8
bytes and graphemes the lexicons specify. This follows the Lexicon spec
(atproto.com/specs/lexicon): objects with `required`/`nullable`, refs, open and closed
unions keyed by `$type`, strings with byte and grapheme limits and string formats,
integers, arrays, blobs, cid-links and bytes. Unknown object properties are allowed, as
the spec says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.networks.text_units import grapheme_count

_HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
_DID = re.compile(r"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")
_NSID = re.compile(
    r"^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+\.[a-zA-Z][a-zA-Z0-9]{0,62}$"
)
_RECORD_KEY = re.compile(r"^[A-Za-z0-9._:~-]{1,512}$")
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_CID = re.compile(r"^b[a-z2-7]{8,}$|^Qm[1-9A-HJ-NP-Za-km-z]{44}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_LANGUAGE = re.compile(r"^(i|[a-zA-Z]{2,3})(-[a-zA-Z0-9]{1,8})*$")
_URI = re.compile(r"^[a-z][a-z0-9+.-]*:\S+$")
_AT_URI = re.compile(
    r"^at://(?P<authority>[^/?#\s]+)(/(?P<collection>[^/?#\s]+)(/(?P<rkey>[^/?#\s]+))?)?$"
)

# Errors any XRPC method may answer with, besides the ones its lexicon declares.
GENERIC_ERRORS = frozenset(
    {
        "InvalidRequest",
        "AuthenticationRequired",
        "AuthMissing",
        "ExpiredToken",
        "InvalidToken",
        "Forbidden",
        "NotFound",
        "RateLimitExceeded",
        "PayloadTooLarge",
        "InternalServerError",
        "MethodNotImplemented",
        "UpstreamFailure",
        "NotEnoughResources",
        "UpstreamTimeout",
    }
)


class LexiconError(ValueError):
    """Data that breaks a lexicon; the message names the path, e.g. `record/facets/0/index`."""


class Lexicons:
    """All lexicon documents of a folder, by NSID."""

    def __init__(self, folder: Path):
        self.docs: dict[str, dict[str, Any]] = {}
        for path in sorted(folder.glob("*.json")):
            doc = json.loads(path.read_text())
            self.docs[doc["id"]] = doc

    # -- entry points ----------------------------------------------------------------------
    def validate_record(self, collection: str, record: Any) -> None:
        """A record as a PDS checks it before writing it to `collection`."""
        definition = self._definition(collection)
        if definition.get("type") != "record":
            raise LexiconError(f"{collection} is not a record type")
        if not isinstance(record, dict) or record.get("$type") != collection:
            raise LexiconError(f"record/$type must be {collection!r}")
        self._value(definition["record"], record, collection, "record")

    def validate_params(self, nsid: str, params: Mapping[str, list[str]]) -> None:
        """Query-string parameters (each a list of raw strings) of a query or procedure."""
        schema = self._definition(nsid).get("parameters") or {"properties": {}}
        properties: dict[str, Any] = schema.get("properties", {})
        for name in schema.get("required", []):
            if not params.get(name):
                raise LexiconError(f"params/{name} is required")
        for name, raw in params.items():
            spec = properties.get(name)
            if spec is None:
                continue  # servers ignore parameters they do not know
            if spec["type"] == "array":
                values = [_parse_param(spec["items"], v, f"params/{name}") for v in raw]
                self._value(spec, values, nsid, f"params/{name}")
            else:
                if len(raw) != 1:
                    raise LexiconError(f"params/{name} must be given once")
                self._value(
                    spec, _parse_param(spec, raw[0], f"params/{name}"), nsid, f"params/{name}"
                )

    def validate_input(self, nsid: str, body: Any) -> None:
        definition = self._definition(nsid)
        schema = (definition.get("input") or {}).get("schema")
        if schema is not None:
            self._value(schema, body, nsid, "input")

    def validate_output(self, nsid: str, body: Any) -> None:
        definition = self._definition(nsid)
        schema = (definition.get("output") or {}).get("schema")
        if schema is None:
            if body not in (None, b"", {}):
                raise LexiconError(f"{nsid} has no output, got {body!r}")
            return
        self._value(schema, body, nsid, "output")

    def validate_error(self, nsid: str, body: Any) -> None:
        """An XRPC error body: {"error": Name, "message"?: text}, Name declared or generic."""
        if not isinstance(body, dict) or not isinstance(body.get("error"), str):
            raise LexiconError(f"an XRPC error body needs a string 'error', got {body!r}")
        if "message" in body and not isinstance(body["message"], str):
            raise LexiconError("error/message must be a string")
        declared = {e["name"] for e in self._definition(nsid).get("errors", [])}
        if body["error"] not in declared | GENERIC_ERRORS:
            raise LexiconError(f"{nsid} declares no error {body['error']!r}")

    # -- the type system -------------------------------------------------------------------
    def _definition(self, ref: str) -> dict[str, Any]:
        nsid, _, name = ref.partition("#")
        doc = self.docs.get(nsid)
        if doc is None or (name or "main") not in doc["defs"]:
            raise LexiconError(f"unknown lexicon {ref!r}")
        return dict(doc["defs"][name or "main"])

    def _value(self, schema: dict[str, Any], value: Any, context: str, path: str) -> None:
        kind = schema.get("type")
        if kind == "ref":
            target = _absolute(schema["ref"], context)
            definition = self._definition(target)
            if definition.get("type") == "record":
                definition = definition["record"]
            self._value(definition, value, target.partition("#")[0], path)
        elif kind == "union":
            self._union(schema, value, context, path)
        elif kind == "object":
            self._object(schema, value, context, path)
        elif kind == "array":
            if not isinstance(value, list):
                raise LexiconError(f"{path} must be an array")
            _bounds(len(value), schema.get("minLength"), schema.get("maxLength"), path, "items")
            for index, item in enumerate(value):
                self._value(schema["items"], item, context, f"{path}/{index}")
        elif kind == "string":
            _string(schema, value, path)
        elif kind == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                raise LexiconError(f"{path} must be an integer")
            _bounds(value, schema.get("minimum"), schema.get("maximum"), path, "")
            _choices(schema, value, path)
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise LexiconError(f"{path} must be a boolean")
            _choices(schema, value, path)
        elif kind == "unknown":
            if not isinstance(value, dict):
                raise LexiconError(f"{path} must be an object")
            kind_of = value.get("$type")
            if (
                isinstance(kind_of, str)
                and self.docs.get(kind_of, {}).get("defs", {}).get("main", {}).get("type")
                == "record"
            ):
                try:
                    self.validate_record(kind_of, value)
                except LexiconError as exc:
                    raise LexiconError(f"{path}: Invalid {kind_of} record: {exc}") from exc
        elif kind == "cid-link":
            if not (isinstance(value, dict) and _CID.match(str(value.get("$link", "")))):
                raise LexiconError(f"{path} must be a cid-link {{'$link': cid}}")
        elif kind == "bytes":
            if not (isinstance(value, dict) and isinstance(value.get("$bytes"), str)):
                raise LexiconError(f"{path} must be bytes {{'$bytes': base64}}")
        elif kind == "blob":
            if not (isinstance(value, dict) and value.get("$type") == "blob"):
                raise LexiconError(f"{path} must be a blob")
        elif kind in ("record", "token", "params", "query", "procedure", "subscription"):
            raise LexiconError(f"{path}: a {kind} is not a value")
        else:
            raise LexiconError(f"{path}: unknown lexicon type {kind!r}")

    def _object(self, schema: dict[str, Any], value: Any, context: str, path: str) -> None:
        if not isinstance(value, dict):
            raise LexiconError(f"{path} must be an object")
        nullable = set(schema.get("nullable", []))
        for name in schema.get("required", []):
            if name not in value:
                raise LexiconError(f"{path}/{name} is required")
        for name, spec in schema.get("properties", {}).items():
            if name not in value:
                continue
            if value[name] is None:
                if name not in nullable:
                    raise LexiconError(f"{path}/{name} may not be null")
                continue
            self._value(spec, value[name], context, f"{path}/{name}")

    def _union(self, schema: dict[str, Any], value: Any, context: str, path: str) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("$type"), str):
            raise LexiconError(f"{path} must be an object with a $type (a union)")
        refs = {_normal(_absolute(r, context)) for r in schema.get("refs", [])}
        kind = _normal(value["$type"])
        if kind in refs:
            definition = self._definition(kind)
            if definition.get("type") == "record":
                definition = definition["record"]
            self._value(definition, value, kind.partition("#")[0], path)
        elif schema.get("closed"):
            raise LexiconError(f"{path}/$type {kind!r} is not one of {sorted(refs)}")


def _absolute(ref: str, context: str) -> str:
    return context + ref if ref.startswith("#") else ref


def _normal(ref: str) -> str:
    return ref[: -len("#main")] if ref.endswith("#main") else ref


def _bounds(value: int, low: int | None, high: int | None, path: str, unit: str) -> None:
    if low is not None and value < low:
        raise LexiconError(f"{path} must be at least {low} {unit}".rstrip())
    if high is not None and value > high:
        raise LexiconError(f"{path} must be at most {high} {unit}".rstrip())


def _choices(schema: dict[str, Any], value: Any, path: str) -> None:
    if "const" in schema and value != schema["const"]:
        raise LexiconError(f"{path} must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise LexiconError(f"{path} must be one of {schema['enum']}")


def _string(schema: dict[str, Any], value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise LexiconError(f"{path} must be a string")
    size = len(value.encode("utf-8"))  # lexicon lengths are UTF-8 bytes
    _bounds(size, schema.get("minLength"), schema.get("maxLength"), path, "bytes")
    if "minGraphemes" in schema or "maxGraphemes" in schema:
        graphemes = grapheme_count(value)
        _bounds(
            graphemes, schema.get("minGraphemes"), schema.get("maxGraphemes"), path, "graphemes"
        )
    _choices(schema, value, path)
    fmt = schema.get("format")
    if fmt and not _matches_format(fmt, value):
        raise LexiconError(f"{path} is not a valid {fmt}: {value!r}")


def _matches_format(fmt: str, value: str) -> bool:
    if fmt == "datetime":
        if not _DATETIME.match(value):
            return False
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
    if fmt == "at-uri":
        match = _AT_URI.match(value)
        if not match:
            return False
        authority, collection = match.group("authority"), match.group("collection")
        return bool(_DID.match(authority) or _HANDLE.match(authority)) and (
            collection is None or bool(_NSID.match(collection))
        )
    if fmt == "at-identifier":
        return bool(_DID.match(value) or _HANDLE.match(value))
    if fmt == "record-key":
        return bool(_RECORD_KEY.match(value)) and value not in (".", "..")
    patterns = {
        "did": _DID,
        "handle": _HANDLE,
        "nsid": _NSID,
        "tid": _TID,
        "cid": _CID,
        "language": _LANGUAGE,
        "uri": _URI,
    }
    pattern = patterns.get(fmt)
    return bool(pattern.match(value)) if pattern else True


def _parse_param(spec: dict[str, Any], raw: str, path: str) -> Any:
    """A query-string value as the type its parameter declares."""
    kind = spec.get("type")
    if kind == "integer":
        try:
            return int(raw)
        except ValueError as exc:
            raise LexiconError(f"{path} must be an integer, got {raw!r}") from exc
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise LexiconError(f"{path} must be true or false, got {raw!r}")
        return raw == "true"
    return raw
