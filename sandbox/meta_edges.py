"""The Graph API edges the Meta stand-in serves, with exactly the parameters Meta's specs list
for each (`../shared/specs/meta/<Node>.json`; a test compares them), the permission each
needs, and the Graph-wide parameters every edge takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GRAPH_WIDE_GET = ("access_token", "appsecret_proof", "fields", "limit", "after", "before")
GRAPH_WIDE_POST = ("access_token", "appsecret_proof")
PATH = re.compile(r"^/(v\d+\.\d+)/([^/]+)(?:/([^/]+))?/?$")
PERMISSIONS = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_engagement",
    "pages_manage_metadata",
    "pages_messaging",
    "instagram_basic",
    "instagram_manage_comments",
    "instagram_manage_messages",
)
ENUMS = {
    "filter": ("toplevel", "stream"),
    "order": ("chronological", "reverse_chronological"),
    "live_filter": ("filter_low_quality", "no_filter"),
    "platform": ("instagram", "messenger"),
    "messaging_type": ("RESPONSE", "UPDATE", "MESSAGE_TAG"),
    "notification_type": ("REGULAR", "SILENT_PUSH", "NO_PUSH"),
}
READ_PAGE = ("pages_read_engagement", "pages_read_user_content")
COMMENT_WRITE = ("pages_manage_engagement",)
IG_COMMENTS = ("instagram_basic", "instagram_manage_comments")


@dataclass(frozen=True)
class Edge:
    method: str
    node: str  # the spec file (node type): "Page", "PagePost", "Comment", "IGUser", …
    edge: str  # the spec's endpoint, or "#get" for the node itself
    params: tuple[str, ...]  # exactly the spec's parameters for this edge
    required: tuple[str, ...]
    handler: str
    permissions: tuple[str, ...]
    returns: str  # the spec's return type


FEED_PARAMS = ("include_hidden", "limit", "show_expired", "with")
COMMENTS_GET = ("filter", "live_filter", "order", "since")
COMMENT_ON_COMMENT = (
    "attachment_id",
    "attachment_share_url",
    "attachment_url",
    "comment_privacy_value",
    "facepile_mentioned_ids",
    "feedback_source",
    "is_offline",
    "message",
    "nectar_module",
    "object_id",
    "parent_comment_id",
    "text",
    "tracking",
)
COMMENT_ON_POST = (
    "attachment_id",
    "attachment_share_url",
    "attachment_url",
    "comment",
    "comment_privacy_value",
    "feedback_source",
    "message",
    "nectar_module",
    "parent_comment_id",
    "post_id",
    "tracking",
)
SEND_PARAMS = (
    "folder",
    "message",
    "messaging_type",
    "notification_type",
    "payload",
    "persona_id",
    "recipient",
    "reply_to",
    "sender_action",
    "suggestion_action",
    "tag",
    "thread_control",
)
MEDIA_GET = (
    "ad_account_id",
    "boostable_media_callsite",
    "business_id",
    "primary_fb_page_id",
    "primary_ig_user_id",
    "secondary_fb_page_id",
    "secondary_ig_user_id",
)

EDGES = (
    Edge("GET", "Page", "#get", ("account_linking_token",), (), "_get_node", (), "Page"),
    Edge("GET", "Page", "feed", FEED_PARAMS, (), "_get_feed", READ_PAGE, "PagePost"),
    Edge("GET", "Page", "visitor_posts", FEED_PARAMS, (), "_get_feed", READ_PAGE, "PagePost"),
    Edge(
        "GET",
        "Page",
        "conversations",
        ("folder", "platform", "tags", "user_id"),
        (),
        "_get_conversations",
        ("pages_messaging",),
        "UnifiedThread",
    ),
    Edge(
        "POST",
        "Page",
        "messages",
        SEND_PARAMS,
        ("recipient",),
        "_post_message",
        ("pages_messaging",),
        "Page",
    ),
    Edge(
        "POST",
        "Page",
        "subscribed_apps",
        ("subscribed_fields",),
        ("subscribed_fields",),
        "_post_subscribed_apps",
        ("pages_manage_metadata",),
        "Page",
    ),
    Edge(
        "GET",
        "PagePost",
        "#get",
        ("primary_fb_page_id", "primary_ig_user_id"),
        (),
        "_get_node",
        READ_PAGE,
        "PagePost",
    ),
    Edge("GET", "PagePost", "comments", COMMENTS_GET, (), "_get_comments", READ_PAGE, "Comment"),
    Edge(
        "POST",
        "PagePost",
        "comments",
        COMMENT_ON_POST,
        (),
        "_post_comment",
        COMMENT_WRITE,
        "Comment",
    ),
    Edge("GET", "Comment", "#get", (), (), "_get_node", READ_PAGE, "Comment"),
    Edge("GET", "Comment", "comments", COMMENTS_GET, (), "_get_comments", READ_PAGE, "Comment"),
    Edge(
        "POST",
        "Comment",
        "comments",
        COMMENT_ON_COMMENT,
        (),
        "_post_comment",
        COMMENT_WRITE,
        "Comment",
    ),
    Edge(
        "GET",
        "UnifiedThread",
        "messages",
        ("source",),
        (),
        "_get_messages",
        ("pages_messaging",),
        "UnifiedMessage",
    ),
    Edge("GET", "User", "#get", (), (), "_get_node", ("pages_messaging",), "User"),
    Edge("GET", "IGUser", "#get", ("adgroup_id",), (), "_get_node", ("instagram_basic",), "IGUser"),
    Edge(
        "GET",
        "IGUser",
        "media",
        ("since", "until"),
        (),
        "_get_media",
        ("instagram_basic",),
        "IGMedia",
    ),
    Edge("GET", "IGUser", "tags", (), (), "_get_tags", ("instagram_basic",), "IGMedia"),
    Edge(
        "POST",
        "IGUser",
        "mentions",
        ("comment_id", "media_id", "message"),
        ("media_id", "message"),
        "_post_mention",
        IG_COMMENTS,
        "Object",
    ),
    Edge("GET", "IGMedia", "#get", MEDIA_GET, (), "_get_node", ("instagram_basic",), "IGMedia"),
    Edge("GET", "IGMedia", "comments", (), (), "_get_ig_comments", IG_COMMENTS, "IGComment"),
    Edge("GET", "IGComment", "#get", (), (), "_get_node", IG_COMMENTS, "IGComment"),
    Edge("GET", "IGComment", "replies", (), (), "_get_ig_replies", IG_COMMENTS, "IGComment"),
    Edge(
        "POST",
        "IGComment",
        "replies",
        ("message",),
        (),
        "_post_ig_reply",
        IG_COMMENTS,
        "IGComment",
    ),
)
ROUTES = {(e.method, e.node, e.edge): e for e in EDGES}
