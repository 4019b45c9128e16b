"""The Meta stand-in agrees with Meta's own specs (`../shared/specs/meta/<Node>.json`):
every edge it serves accepts exactly the parameters the spec lists (and refuses others),
and every field it returns — checked on the responses the real connector received — is a
field of the node type with a value of the listed type. Error bodies follow Meta's
documented shape.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from functools import cache
from typing import Any

import pytest
import requests

from bot.networks.base import Author, NetworkError, NetworkUnavailable
from bot.networks.meta.graph import appsecret_proof
from bot.networks.meta.objects import MentionRef
from sandbox.httpserver import Request
from sandbox.meta_edges import EDGES, ENUMS, PATH
from sandbox.meta_fields import NODE_EDGES, NODE_FIELDS, NODE_LINKS
from sandbox.meta_graph import MetaGraphStandIn
from sandbox.meta_state import GraphFault
from storage.enums import Visibility
from tests.integration.meta.helpers import facebook_for, instagram_for, only, outgoing
from tests.specs import spec_path

# The messages of a conversation are `UnifiedMessage`s, a type with no spec file among
# Meta's published ones; its fields cannot be checked here.
UNSPECIFIED = {"UnifiedMessage"}
# The node types Meta's spec files describe (`../shared/specs/README.md`).
SPECIFIED = {
    "Page",
    "PagePost",
    "Post",
    "Comment",
    "UnifiedThread",
    "User",
    "IGUser",
    "IGMedia",
    "IGComment",
}
GRAPH_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$")


@cache
def spec(node: str) -> dict[str, Any]:
    return json.loads(spec_path(f"meta/{node}.json").read_text())


def spec_api(node: str, method: str, edge: str) -> dict[str, Any]:
    for api in spec(node)["apis"]:
        if api["method"] == method and (api.get("endpoint") or api.get("name")) == edge:
            return api
    raise AssertionError(f"{node}.json has no {method} {edge}")


def spec_fields(node: str) -> dict[str, str]:
    return {f["name"]: f["type"] for f in spec(node)["fields"]}


def has_spec(node: str) -> bool:
    return node in SPECIFIED


# -- the table of edges against the specs -------------------------------------------------


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: f"{e.method} {e.node}/{e.edge}")
def test_edge_parameters_are_exactly_the_specs(edge) -> None:
    api = spec_api(edge.node, edge.method, edge.edge)
    assert sorted(edge.params) == sorted(p["name"] for p in api["params"])
    assert sorted(edge.required) == sorted(p["name"] for p in api["params"] if p["required"])
    assert edge.returns == api["return"]


def test_served_fields_links_and_expansions_are_in_the_specs() -> None:
    for node, fields in NODE_FIELDS.items():
        if node in UNSPECIFIED:
            continue
        assert set(fields) <= set(spec_fields(node)), node
    for node, links in NODE_LINKS.items():
        for name, (target, _) in links.items():
            assert spec_fields(node)[name] == target, (node, name)
    for node, edges in NODE_EDGES.items():
        for name, (target, _) in edges.items():
            assert spec_api(node, "GET", name)["return"] == target, (node, name)


# -- responses the connector actually received ----------------------------------------------


def value_problems(spec_type: str, value: object, where: str) -> list[str]:
    if spec_type == "string":
        ok = isinstance(value, str)
    elif spec_type == "bool":
        ok = isinstance(value, bool)
    elif spec_type in {"int", "unsigned int"}:
        ok = isinstance(value, int) and not isinstance(value, bool)
        ok = ok and (spec_type == "int" or value >= 0)  # type: ignore[operator]
    elif spec_type == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif spec_type == "datetime":
        ok = isinstance(value, str) and GRAPH_TIME.match(value) is not None
    elif spec_type.startswith("list"):
        ok = isinstance(value, list)
    elif spec_type in {"Object", "map"}:
        ok = isinstance(value, dict)
    else:  # another node type: an object, checked against its own spec when there is one
        if not isinstance(value, dict):
            return [f"{where}: expected a {spec_type} object, got {value!r}"]
        return object_problems(spec_type, value, where) if has_spec(spec_type) else []
    return [] if ok else [f"{where}: expected {spec_type}, got {value!r}"]


def object_problems(node: str, obj: dict[str, Any], where: str) -> list[str]:
    if node in UNSPECIFIED:
        return []
    fields = spec_fields(node)
    edges = {
        api["endpoint"]: api["return"]
        for api in spec(node)["apis"]
        if api["method"] == "GET" and api.get("endpoint")
    }
    problems = []
    for name, value in obj.items():
        if name in fields:
            problems += value_problems(fields[name], value, f"{where}.{name}")
        elif name in edges and isinstance(value, dict):
            for n, item in enumerate(value.get("data", [])):
                problems += object_problems(edges[name], item, f"{where}.{name}[{n}]")
        else:
            problems.append(f"{where}: {name} is not a field or edge of {node}")
    return problems


def response_problems(meta: MetaGraphStandIn, response: requests.Response) -> list[str]:
    body = response.json()
    where = f"{response.request.method} {response.request.path_url.split('?')[0]}"
    if not response.ok:
        return error_problems(body, where)
    match = PATH.match(response.request.path_url.split("?")[0])
    assert match is not None
    with meta.lock:
        node_type, _ = meta._node(match.group(2))
    edge = next(
        e
        for e in EDGES
        if e.method == response.request.method
        and e.node == node_type
        and e.edge == (match.group(3) or "#get")
    )
    if edge.method == "POST":
        return post_problems(edge.node, edge.edge, body, where)
    if edge.edge == "#get":
        return object_problems(edge.returns, body, where)
    problems = [] if isinstance(body.get("data"), list) else [f"{where}: no data list"]
    for n, item in enumerate(body.get("data", [])):
        problems += object_problems(edge.returns, item, f"{where}[{n}]")
    return problems


def post_problems(node: str, edge: str, body: dict[str, Any], where: str) -> list[str]:
    """POST answers are documented by example: `{"id"}` for a new comment,
    `{"recipient_id", "message_id"}` from the Send API, `{"success"}` for subscriptions."""
    expected = {
        ("Page", "messages"): {"recipient_id": str, "message_id": str},
        ("Page", "subscribed_apps"): {"success": bool},
    }.get((node, edge), {"id": str})
    if set(body) != set(expected) or any(not isinstance(body[k], t) for k, t in expected.items()):
        return [f"{where}: expected {sorted(expected)}, got {body!r}"]
    return []


def error_problems(body: object, where: str) -> list[str]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return [f"{where}: error without an error object: {body!r}"]
    problems = []
    for name, kind in (("message", str), ("type", str), ("code", int), ("fbtrace_id", str)):
        if not isinstance(error.get(name), kind):
            problems.append(f"{where}: error.{name} missing or not {kind.__name__}")
    if "error_subcode" in error and not isinstance(error["error_subcode"], int):
        problems.append(f"{where}: error_subcode is not an int")
    return problems


@pytest.fixture
def seen() -> list[requests.Response]:
    return []


@pytest.fixture
def session(seen: list[requests.Response]) -> requests.Session:
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: seen.append(response))
    return session


def test_every_response_the_connector_gets_matches_the_specs(
    meta: MetaGraphStandIn, session: requests.Session, seen: list[requests.Response]
) -> None:
    facebook = facebook_for(meta, session, human_agent_tag=True)
    instagram = instagram_for(meta, session)
    start = meta.now() - timedelta(minutes=5)
    post = meta.page_post("Our new opening hours")
    meta.visitor_post("Ann Lee", "My parcel never arrived")
    comment = meta.comment("Bob Stone", post["id"], "Closed on Sunday?")
    meta.comment("Bob Stone", comment["id"], "Hello?")
    meta.messenger("Cara Diaz", "I need help with my order")
    media = meta.ig_media("Summer collection")
    ig_comment = meta.ig_comment("dana", media["id"], "Which sizes?")
    meta.ig_comment("erin", ig_comment["id"], "Same question")
    meta.ig_mention_in_caption("fred", "Great service from @carethread_demo")
    mention = meta.ig_mention_in_comment("gina", "@carethread_demo help please")
    meta.ig_dm("hana", "Where is my refund?")

    facebook.whoami()
    instagram.whoami()
    polled = {
        (network.name, stream.name): stream.fetch(None, start, None).posts
        for network in (facebook, instagram)
        for stream in network.streams()
    }
    mentioned = instagram.fetch_mentions([MentionRef(mention["media_id"], mention["id"])])
    feed, messenger = polled["facebook", "feed"], polled["facebook", "messenger"]
    comments, direct = polled["instagram", "comments"], polled["instagram", "direct"]
    answers = [
        (facebook, only(feed, "comment"), Visibility.PUBLIC),
        (facebook, only(feed, "comment"), Visibility.PRIVATE),
        (facebook, only(feed, "visitor_post"), Visibility.PUBLIC),
        (facebook, only(messenger, "messenger_message"), Visibility.PRIVATE),
        (instagram, only(comments, "ig_comment_reply"), Visibility.PUBLIC),
        (instagram, only(direct, "ig_dm"), Visibility.PRIVATE),
        (instagram, mentioned[0], Visibility.PUBLIC),
    ]
    for network, post_, visibility in answers:
        reply = outgoing(post_, f"We're on it ({post_.external_id})", visibility)
        network.send(reply)
        assert network.find_sent(reply, meta.now() - timedelta(minutes=1)) is not None
    nameless = replace(messenger[0], author=Author(messenger[0].author.external_id, "", ""))
    assert facebook.with_names([nameless])[0].author.name == "Cara Diaz"
    facebook.client.post(f"{meta.page['id']}/subscribed_apps", {"subscribed_fields": ["feed"]})

    problems = [p for response in seen for p in response_problems(meta, response)]
    assert problems == []
    assert len(seen) > 25 and all(r.ok for r in seen)


def test_error_responses_match_metas_error_shape(
    meta: MetaGraphStandIn, session: requests.Session, seen: list[requests.Response]
) -> None:
    facebook = facebook_for(meta, session)
    messenger = meta.messenger("Cara Diaz", "hi")
    post = meta.page_post("hello")
    calls = [
        lambda: facebook.client.get("no-such-object"),
        lambda: facebook.client.get(meta.page["id"], {"fields": "no_such_field"}),
        lambda: facebook.client.get(f"{post['id']}/comments", {"filter": "everything"}),
        lambda: facebook.client.post(f"{meta.page['id']}/messages", {"message": {"text": "x"}}),
        lambda: facebook.client.post(f"{post['id']}/comments", {}),
    ]
    meta.advance(days=2)
    calls.append(
        lambda: facebook.client.post(
            f"{meta.page['id']}/messages",
            {"recipient": {"id": messenger["from"]["id"]}, "message": {"text": "late"}},
        )
    )
    for call in calls:
        with pytest.raises(NetworkError):
            call()
    meta.server_error("/feed")
    with pytest.raises(NetworkUnavailable):
        facebook.client.get(f"{meta.page['id']}/feed")
    meta.revoke_token()
    with pytest.raises(NetworkError):
        facebook.whoami()

    problems = [p for response in seen for p in response_problems(meta, response)]
    assert problems == []
    assert [r.status_code for r in seen] == [400] * 6 + [500, 400]


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: f"{e.method} {e.node}/{e.edge}")
def test_each_edge_refuses_a_parameter_the_spec_does_not_list(meta: MetaGraphStandIn, edge) -> None:
    node_id = _node_of_type(meta, edge.node)
    path = f"/v25.0/{node_id}" + ("" if edge.edge == "#get" else f"/{edge.edge}")
    with pytest.raises(GraphFault, match="is not accepted") as refused:
        _call(meta, edge.method, path, {"no_such_param": "1"})
    assert refused.value.code == 100


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: f"{e.method} {e.node}/{e.edge}")
def test_each_edge_accepts_every_parameter_the_spec_lists(meta: MetaGraphStandIn, edge) -> None:
    node_id = _node_of_type(meta, edge.node)
    path = f"/v25.0/{node_id}" + ("" if edge.edge == "#get" else f"/{edge.edge}")
    api = spec_api(edge.node, edge.method, edge.edge)
    for param in api["params"]:
        value = _sample(param["name"], param["type"])
        params = {p: _sample(p, "string") for p in edge.required} | {param["name"]: value}
        try:
            _call(meta, edge.method, path, params)
        except GraphFault as fault:  # the value may be refused, the name never
            assert "is not accepted" not in fault.message, param


def _node_of_type(meta: MetaGraphStandIn, node: str) -> str:
    if not meta.posts:
        post = meta.page_post("hello")
        meta.comment("Bob", post["id"], "hi")
        meta.messenger("Cara", "hi")
        media = meta.ig_media("photo")
        meta.ig_comment("dana", media["id"], "nice")
    tables = {
        "Page": [meta.page["id"]],
        "PagePost": list(meta.posts),
        "Comment": list(meta.comments),
        "UnifiedThread": list(meta.threads),
        "User": list(meta.people),
        "IGUser": [meta.ig_account["id"]],
        "IGMedia": list(meta.media),
        "IGComment": list(meta.ig_comments),
    }
    return tables[node][0]


def _sample(name: str, spec_type: str) -> object:
    if name in ENUMS:
        return ENUMS[name][0]
    if name == "recipient":
        return {"id": "0"}
    if name == "message" and spec_type == "Object":
        return {"text": "hello"}
    return {
        "bool": "true",
        "datetime": "1700000000",
        "unsigned int": "5",
        "int": "5",
    }.get(spec_type, "1")


def _call(meta: MetaGraphStandIn, method: str, path: str, params: dict[str, object]) -> None:
    """Run one request through the stand-in's own routing (no socket needed)."""
    query = {k: [v if isinstance(v, str) else json.dumps(v)] for k, v in params.items()}
    query["appsecret_proof"] = [appsecret_proof(meta.app_secret, meta.access_token)]
    request = Request(method, path, query, {"authorization": f"Bearer {meta.access_token}"}, b"")
    with meta.lock:
        meta._answer(request)


def test_the_check_catches_what_breaks_the_specs() -> None:
    good = {"id": "1_2", "created_time": "2026-07-14T12:00:00+0000", "parent": {"id": "1_1"}}
    assert object_problems("Comment", good, "c") == []
    assert object_problems("Comment", {"id": 12}, "c") == ["c.id: expected string, got 12"]
    assert object_problems("IGComment", {"replies": {"data": [{"text": 3}]}}, "c") == [
        "c.replies[0].text: expected string, got 3"
    ]
    assert object_problems("PagePost", {"created_time": "yesterday"}, "p") == [
        "p.created_time: expected datetime, got 'yesterday'"
    ]
    assert object_problems("IGMedia", {"comment_total": 1}, "m") == [
        "m: comment_total is not a field or edge of IGMedia"
    ]
    assert error_problems({"error": {"message": "x", "code": "4"}}, "e") == [
        "e: error.type missing or not str",
        "e: error.code missing or not int",
        "e: error.fbtrace_id missing or not str",
    ]
