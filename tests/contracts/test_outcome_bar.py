"""A system's outcome bar: its numbers carry the meaning (each, where asked, a link), its picture the shares."""

from collections import Counter
from html.parser import HTMLParser

from contracts.models import System
from contracts.pages.charts import outcome_bars
from contracts.templatetags.tracker import outcome_bar


class Parts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())


def parsed(html: str) -> Parts:
    parts = Parts()
    parts.feed(html)
    return parts


def bar(**counts: int):
    system = System(slug="rio", name="RiO")
    return outcome_bars(systems=[system], counts={"rio": Counter(counts)})[0]


def test_the_bar_says_every_count_and_draws_only_those_with_any():
    parts = parsed(outcome_bar(bar(kept=3, lost=1, unknown=2)))
    svg = next(attrs for tag, attrs in parts.tags if tag == "svg")
    assert svg["role"] == "img"
    assert svg["aria-label"] == "3 kept, 1 lost, 0 gained, 0 never, 2 unknown"
    rects = [attrs for tag, attrs in parts.tags if tag == "rect"]
    assert [rect["class"] for rect in rects] == ["kept", "lost", "unknown"]
    assert [rect["width"] for rect in rects] == ["50.0", "16.667", "33.333"]
    assert [rect.get("fill") for rect in rects] == [None, None, "url(#unknown-hatch)"]
    assert "3 kept" in parts.text and "kept" in parts.text and "3" in parts.text


def test_counts_link_to_their_outcome_as_anchors_or_as_a_filter():
    anchored = parsed(outcome_bar(bar(kept=3), anchors="/systems/rio/?contract=a&base=b#outcome-"))
    links = [attrs["href"] for tag, attrs in anchored.tags if tag == "a"]
    assert links == ["/systems/rio/?contract=a&base=b#outcome-kept"]  # an outcome none has is a plain 0
    filtered = outcome_bar(bar(kept=3, lost=2), link="/compare/?base=a&system=rio")
    assert 'href="/compare/?base=a&amp;system=rio&amp;outcome=lost"' in filtered
    assert [attrs["href"] for tag, attrs in parsed(filtered).tags if tag == "a"][:2] == [
        "/compare/?base=a&system=rio&outcome=kept",
        "/compare/?base=a&system=rio&outcome=lost",
    ]
    assert not [tag for tag, _attrs in parsed(outcome_bar(bar(kept=3))).tags if tag == "a"]


def test_a_label_is_escaped():
    system = System(slug="x", name="X")
    drawn = outcome_bar(outcome_bars(systems=[system], counts={})[0], link='/c/?q="<b>"')
    assert "<b>" not in drawn and "&lt;b&gt;" in drawn
