"""Pages' URLs put together from their argument are reverse()'s, whatever the argument and the script prefix."""

import pytest
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from nhsit.lib import urls
from nhsit.lib.urls import page_url

ARGUMENTS = ["RAN", "GB-LAE-WSM", "synthetic-system-01", "london_lsp", "R1K", "a b", "Guy's", "café", "100%", "x?y"]


@pytest.fixture
def script_prefix():
    """Where the site is served under a path of its own (SCRIPT_NAME), its URLs begin with it."""
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("name", ["trust_detail", "system_detail", "contract_detail"])
@pytest.mark.parametrize("argument", ARGUMENTS)
@pytest.mark.parametrize("prefix", ["/", "/tracker/"])
def test_a_pages_url_is_the_one_reverse_gives(script_prefix, name, argument, prefix):
    script_prefix(prefix)
    assert page_url(name, argument) == reverse(name, args=[argument])


def test_an_argument_its_converter_refuses_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        reverse("trust_detail", args=["a/b"])
    with pytest.raises(NoReverseMatch):
        page_url("trust_detail", "a/b")


def numbered(request, number):
    raise AssertionError("never served")


# This module is also a URLconf of its own for the test below: a page named by a number.
urlpatterns = [path("numbered/<int:number>/", numbered, name="numbered")]


@pytest.mark.urls(__name__)
def test_a_page_whose_converter_takes_fewer_plain_arguments_is_reversed_each_time():
    """A page named by a number: a word is refused as reverse() refuses it, and a number is its URL."""
    assert urls._around_the_argument("numbered", "/", __name__) is None
    assert page_url("numbered", "12") == reverse("numbered", args=["12"]) == "/numbered/12/"
    with pytest.raises(NoReverseMatch):
        page_url("numbered", "twelve")


def test_a_plain_argument_is_put_in_place_without_reversing(monkeypatch):
    page_url("trust_detail", "RAN")
    monkeypatch.setattr(urls, "reverse", None)
    assert page_url("trust_detail", "RVR") == "/trusts/RVR/"
