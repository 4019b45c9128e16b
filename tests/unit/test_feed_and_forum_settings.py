"""Settings blocks of the feed and forum networks, read from a plain mapping."""

from __future__ import annotations

import pytest

from bot.networks.discourse import DiscourseSettings
from bot.networks.discourse import read_settings as read_discourse
from bot.networks.discourse_watch import Watch, mention_pattern, term_pattern
from bot.networks.rss import RssSettings
from bot.networks.rss import read_settings as read_rss
from bot.settings_reader import EnvReader


def test_rss_is_off_unless_its_variable_is_set() -> None:
    reader = EnvReader({"DISCOURSE_WATCH": ""})
    assert read_rss(reader) is None and reader.problems == []


def test_rss_feeds_are_comma_separated_urls_and_bad_ones_are_named() -> None:
    reader = EnvReader(
        {
            "RSS_FEEDS": " https://a.example/feed.xml , ftp://b.example/x, https://a.example/feed.xml,"
        }
    )
    block = read_rss(reader)
    assert block == RssSettings(("https://a.example/feed.xml",))
    assert reader.problems == [
        "RSS_FEEDS must list http(s) feed URLs separated by commas; 'ftp://b.example/x' is not one."
    ]


def test_rss_set_to_nothing_but_commas_is_a_problem() -> None:
    reader = EnvReader({"RSS_FEEDS": ",,"})
    read_rss(reader)
    assert reader.problems == ["RSS_FEEDS is set but lists no feed URL."]


def test_discourse_is_off_unless_one_of_its_variables_is_set() -> None:
    reader = EnvReader({"RSS_FEEDS": "https://a.example/f"})
    assert read_discourse(reader) is None and reader.problems == []


def test_a_half_configured_forum_names_each_missing_variable() -> None:
    reader = EnvReader({"DISCOURSE_BASE_URL": "https://forum.example.com/"})
    read_discourse(reader)
    assert [p.split(" ")[0] for p in reader.problems] == [
        "DISCOURSE_API_KEY",
        "DISCOURSE_API_USERNAME",
    ]


def test_a_full_forum_block_with_its_watch_list() -> None:
    reader = EnvReader(
        {
            "DISCOURSE_BASE_URL": "https://forum.example.com/",
            "DISCOURSE_API_KEY": "k",
            "DISCOURSE_API_USERNAME": "@acme",
            "DISCOURSE_WATCH": "category:Support, term:acme  app,term:acme,category:7",
        }
    )
    assert read_discourse(reader) == DiscourseSettings(
        "https://forum.example.com", "k", "acme", Watch(("support", "7"), ("acme app", "acme"))
    )
    assert reader.problems == []


def test_watch_items_without_a_known_prefix_are_named() -> None:
    reader = EnvReader(
        {
            "DISCOURSE_BASE_URL": "https://forum.example.com",
            "DISCOURSE_API_KEY": "k",
            "DISCOURSE_API_USERNAME": "acme",
            "DISCOURSE_WATCH": "support,tag:x,term:",
        }
    )
    read_discourse(reader)
    assert len(reader.problems) == 3
    assert all("category:<slug> or term:<words>" in p for p in reader.problems)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("hi @acme!", True),
        ("hi @ACME.", True),
        ("(@acme)", True),
        ("mail me at me@acme", False),
        ("@acme.support knows", False),
        ("@acme_team knows", False),
        ("@acmes", False),
    ],
)
def test_a_mention_is_the_brands_username_and_no_other(text: str, found: bool) -> None:
    assert bool(mention_pattern("acme").search(text)) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("The ACME  app crashed", True),
        ("acme\napp", True),
        ("acmeapp", False),
        ("acme apps", False),
    ],
)
def test_a_term_matches_whole_words_ignoring_case(text: str, found: bool) -> None:
    assert bool(term_pattern("acme app").search(text)) is found
