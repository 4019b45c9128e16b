import io
import json

from bot.triage import TriageConfig, cli
from bot.triage.cli import main


def run(text: str, config: TriageConfig | None = None):
    out, err = io.StringIO(), io.StringIO()
    code = main([], io.StringIO(text), out, err, config or TriageConfig())
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_good_lines():
    posts = [
        {"id": 7, "text": "me cobraron dos veces, tarjeta 4111 1111 1111 1111", "followers": 48000},
        {"id": "b", "text": "Thanks, parcel came early! 🙌"},
        {"id": None, "text": "mail me: ana@example.com"},
    ]
    code, out, err = run("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts))
    assert code == 0 and err == ""
    assert [o["id"] for o in out] == [7, "b", None]
    first = out[0]
    assert set(first) == {"id", "language", "intent", "sentiment", "priority", "reasons", "pii"}
    assert first["priority"] == "P1" and "48k followers" in first["reasons"]
    for post, result in zip(posts, out, strict=True):
        for m in result["pii"]:
            assert set(m) == {"type", "start", "end"}
            assert post["text"][m["start"] : m["end"]] in post["text"]
    card = out[0]["pii"][0]
    assert posts[0]["text"][card["start"] : card["end"]] == "4111 1111 1111 1111"
    assert "value" not in json.dumps(out)  # personal data is not echoed


def test_malformed_lines_are_reported_by_number_and_skipped():
    lines = [
        '{"id": 1, "text": "hola"}',
        "",
        "{not json",
        "[1, 2]",
        '{"id": 3}',
        '{"id": 4, "text": 5}',
        '{"id": 5, "text": "hi", "followers": "12"}',
        '{"id": 6, "text": "hi", "followers": 1.5}',
        '{"id": 7, "text": "bye"}',
    ]
    code, out, err = run("\n".join(lines) + "\n")
    assert code == 0
    assert [o["id"] for o in out] == [1, 7]
    for number in (3, 4, 5, 6, 7, 8):
        assert f"line {number}:" in err
    assert "line 2:" not in err and "line 1:" not in err


def test_large_input_with_progress_bar_keeps_stdout_clean(monkeypatch):
    # The threshold is lowered so the test stays fast; the behaviour is the same at 5,000.
    monkeypatch.setattr(cli, "LARGE_INPUT_LINES", 50)
    lines = "".join(json.dumps({"id": i, "text": f"pedido {i} no llegó"}) + "\n" for i in range(60))
    code, out, _ = run(lines)
    assert code == 0 and [o["id"] for o in out] == list(range(60))


def test_unexpected_arguments():
    code, out, err = run("", TriageConfig())
    assert code == 0 and out == []
    assert main(["--bogus"], io.StringIO(""), io.StringIO(), io.StringIO(), TriageConfig()) == 2
