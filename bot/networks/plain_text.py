"""HTML from the internet → the plain text its author meant, for triage and Slack.

Tags are dropped (with the content of script/style-like elements), entities are decoded
exactly once, block elements become line breaks. What remains is literal text: a post
that *says* `<!channel>` keeps saying it, and escaping it for Slack or HTML is the
renderer's job, as for every other network's text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text for a reader.
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title", "iframe", "svg"})
# Elements that start a new line of their own.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    }
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs decodes entities in text once, and only in text.
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment, with paragraphs kept as blank lines."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return tidy("".join(collector.parts))


def tidy(text: str) -> str:
    """Collapse runs of spaces within lines and of blank lines between paragraphs."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)
