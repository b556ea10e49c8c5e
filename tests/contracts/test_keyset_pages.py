"""The entitlement list is paged by where each page starts (?after=, ?before=): every row once, in the table's
order, however deep the page, and a place in the list that cannot be read is refused in words."""

import pytest

from contracts.models import Entitlement, EntitlementStatus
from tests.helpers import csv_rows, pager_link, pages_walked, visible_text


def shown_ids(response) -> list[int]:
    """The entitlements a page shows, in its order."""
    return [row.pk for row in response.context["table"].page.object_list.data]


def walk(client, start: str) -> list[list[int]]:
    return pages_walked(client, "/entitlements/", start, shown_ids)


def in_table_order(**filters) -> list[int]:
    return list(
        Entitlement.objects.filter(revision__is_published=True, **filters)
        .order_by("revision__contract__slug", "revision__sequence", "organisation__name", "system__name", "pk")
        .values_list("pk", flat=True)
    )


def test_walking_the_next_links_shows_every_row_once_in_the_table_order(client, london):
    pages = walk(client, "?per_page=7")
    assert [pk for page in pages for pk in page] == in_table_order()
    assert all(len(page) == 7 for page in pages[:-1])


def test_walking_a_filtered_list_shows_exactly_its_rows(client, london):
    pages = walk(client, "?status=entitled&per_page=5")
    assert [pk for page in pages for pk in page] == in_table_order(status=EntitlementStatus.ENTITLED)


def test_the_previous_link_goes_back_to_the_page_before(client, london):
    first = client.get("/entitlements/?per_page=6")
    second = client.get(f"/entitlements/{pager_link(first, 'next')}")
    third = client.get(f"/entitlements/{pager_link(second, 'next')}")
    back = client.get(f"/entitlements/{pager_link(third, 'prev')}")
    assert shown_ids(back) == shown_ids(second)
    assert shown_ids(client.get(f"/entitlements/{pager_link(second, 'prev')}")) == shown_ids(first)
    assert pager_link(first, "prev") is None


def test_a_page_holds_its_place_when_rows_are_added_before_it(client, london):
    first = client.get("/entitlements/?per_page=6")
    second = shown_ids(client.get(f"/entitlements/{pager_link(first, 'next')}"))
    earlier = Entitlement.objects.get(pk=shown_ids(first)[0])
    later_system = Entitlement.objects.exclude(
        organisation=earlier.organisation, revision=earlier.revision
    ).values_list("system", flat=True)
    added = Entitlement.objects.create(
        revision=earlier.revision,
        organisation=earlier.organisation,
        system_id=next(
            pk
            for pk in later_system
            if not Entitlement.objects.filter(
                revision=earlier.revision, organisation=earlier.organisation, system_id=pk
            ).exists()
        ),
        status=EntitlementStatus.ENTITLED,
    )
    again = shown_ids(client.get(f"/entitlements/{pager_link(first, 'next')}"))
    assert again == second
    assert added.pk not in again


@pytest.mark.parametrize("cursor", ["nonsense", "WzFd", "WyJhIiwiYiIsImMiLCJkIl0", "e30"])
def test_a_place_in_the_list_that_cannot_be_read_is_refused_in_words(client, london, cursor):
    response = client.get(f"/entitlements/?after={cursor}")
    assert response.status_code == 400
    assert "is not a place in this list" in visible_text(response)


def test_a_place_in_a_revision_not_shown_is_refused_in_words(client, london):
    from nhsit.lib.keyset import cursor_text

    response = client.get(f"/entitlements/?after={cursor_text([0, 'A', 'B', 1])}")
    assert response.status_code == 400
    assert "revision no longer shown" in visible_text(response)


def test_a_cursor_with_a_sort_or_a_page_number_is_refused(client, london):
    first = client.get("/entitlements/")
    cursor = pager_link(first, "next").removeprefix("?")
    assert client.get(f"/entitlements/?{cursor}&sort=organisation").status_code == 400
    assert client.get(f"/entitlements/?{cursor}&page=2").status_code == 400


def test_numbered_pages_stop_where_they_would_sort_everything(client, london):
    response = client.get("/entitlements/?sort=organisation&page=21")
    assert response.status_code == 400
    assert "Next links" in visible_text(response)


def test_the_csv_of_a_page_holds_every_filtered_row_in_the_table_order(client, london):
    first = client.get("/entitlements/?status=entitled&per_page=5")
    rows = csv_rows(client.get(f"/entitlements/{pager_link(first, 'next')}&_export=csv"))
    assert len(rows) == len(in_table_order(status=EntitlementStatus.ENTITLED))


def with_added(cursor: str, character: str) -> str:
    """The cursor with a character added to the last text of its key."""
    import base64
    import json

    from nhsit.lib.keyset import cursor_text

    key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    last_text = max(position for position, value in enumerate(key) if isinstance(value, str))
    key[last_text] += character
    return cursor_text(key)


@pytest.mark.parametrize("page", ["/entitlements/", "/trusts/", "/contracts/london-lsp/compare/"])
@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize("character", ["\x00", "\ud800"], ids=["NUL", "lone surrogate"])
def test_a_place_holding_what_no_text_holds_is_refused_in_words(client, london, page, direction, character):
    """A NUL is in no name, and PostgreSQL cannot compare text holding one; half of a UTF-16 pair (which JSON can
    write) cannot be sent to a database at all: the cursor is refused, not sent."""
    following = pager_link(client.get(f"{page}?per_page=5"), "next")
    cursor = following.split("after=")[1].split("&")[0]
    response = client.get(f"{page}?{direction}={with_added(cursor, character)}")
    assert response.status_code == 400
    assert "is not a place in this list" in visible_text(response)


def test_an_api_cursor_holding_a_nul_character_is_a_400(client, london):
    import base64

    cursor = base64.b64encode(b"p=a%00b").decode()
    response = client.get("/api/systems/", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]
