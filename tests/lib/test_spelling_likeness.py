"""A near spelling is ruled out by difflib's cheap upper bounds before its ratio is worked out, with the same result
as working the ratio out for every span."""

from difflib import SequenceMatcher

from hypothesis import assume, given
from hypothesis import strategies as st

from nhsit.lib.search import PART_OF_A_WORD, SPELLING, fold, words_found, words_likeness

LETTERS = "abcdeiknorstuy"
WORDS = st.text(alphabet=LETTERS + " ", min_size=1, max_size=30).map(fold).filter(bool)


@st.composite
def slips(draw) -> tuple[str, str]:
    """A word typed with a slip or two (a letter changed, dropped or added), and a text holding the word."""
    word = draw(st.text(alphabet=LETTERS, min_size=4, max_size=12))
    typed = word
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(typed) - 1))
        letter = draw(st.sampled_from(LETTERS))
        typed = draw(
            st.sampled_from(
                [typed[:at] + letter + typed[at + 1 :], typed[:at] + typed[at + 1 :], typed[:at] + letter + typed[at:]]
            )
        )
    around = draw(st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=8), max_size=3))
    return typed, " ".join([*around, word])


def likeness_by_ratio_alone(typed: str, text: str) -> float:
    """words_likeness's near spelling as the ratio of every span gives it, with no bound tried first."""
    words = text.split()
    width = len(typed.split())
    spans = [" ".join(words[start : start + width]) for start in range(max(1, len(words) - width + 1))]
    best = max(SequenceMatcher(None, typed, span).ratio() for span in spans)
    return best * PART_OF_A_WORD if best >= SPELLING else 0.0


@given(typed=WORDS, text=WORDS)
def test_a_near_spelling_scores_as_the_ratio_of_its_best_span_would(typed, text):
    assume(len(typed) >= 4 and not words_found(typed, text))
    assert words_likeness(typed, text) == likeness_by_ratio_alone(typed, text)


@given(slips())
def test_a_slip_of_spelling_scores_as_the_ratio_of_its_best_span_would(slip):
    typed, text = slip
    assume(len(typed) >= 4 and not words_found(typed, text))
    assert words_likeness(typed, text) == likeness_by_ratio_alone(typed, text)


def test_a_slip_of_spelling_is_still_found_and_a_different_word_is_not():
    assert words_likeness("kigns", "kings college hospital") == SequenceMatcher(None, "kigns", "kings").ratio() * 0.7
    assert words_likeness("kigns", "kings college hospital") > 0
    assert words_likeness("t t t t t t t t t t", "synthetic trust 00123") == 0.0
