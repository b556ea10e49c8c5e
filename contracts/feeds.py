"""Atom feeds of the published changes to a contract, an organisation or a system: each revision as it is
published here, and each correction to published data with its reason, newest first. Drafts are in none."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from contracts.models import Contract, System
from contracts.services.published_changes import PublishedChange, published_changes
from contracts.views.choosing import refuse_any_parameters
from organisations.models import Organisation


@dataclass(frozen=True)
class Subject:
    """What a feed is about, and the host name its entries' tag URIs are minted under (without a port, which a
    tag URI may not have)."""

    record: Any
    authority: str


@dataclass(frozen=True)
class Entry:
    change: PublishedChange
    authority: str


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        refuse_any_parameters(request)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Subject:
        return Subject(record=self.record(*args, **kwargs), authority=request.get_host().split(":")[0])

    def record(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def changes(self, record: Any) -> list[PublishedChange]:
        raise NotImplementedError

    def items(self, obj: Subject) -> list[Entry]:
        return [Entry(change=change, authority=obj.authority) for change in self.changes(obj.record)]

    def link(self, obj: Subject) -> str:
        return str(obj.record.get_absolute_url())

    def feed_url(self, obj: Subject) -> str:
        return f"{self.link(obj)}feed/"

    def feed_guid(self, obj: Subject) -> str:
        return f"tag:{obj.authority},2026:feed{self.link(obj)}"

    def item_title(self, item: Entry) -> str:
        return item.change.title

    def item_description(self, item: Entry) -> str:
        return item.change.summary

    def item_link(self, item: Entry) -> str:
        return item.change.link

    def item_guid(self, item: Entry) -> str:
        return f"tag:{item.authority},{item.change.when:%Y-%m-%d}:{item.change.key}"

    def item_pubdate(self, item: Entry) -> datetime.datetime:
        return item.change.when

    def item_updateddate(self, item: Entry) -> datetime.datetime:
        return item.change.when


class ContractFeed(ChangesFeed):
    def record(self, slug: str) -> Contract:
        return get_object_or_404(Contract, slug=slug)

    def title(self, obj: Subject) -> str:
        return f"{obj.record.title}: published changes"

    def subtitle(self, obj: Subject) -> str:
        return (
            f"Each revision of the {obj.record.title} as it is published here, and each correction to its "
            "published data."
        )

    def changes(self, record: Contract) -> list[PublishedChange]:
        return published_changes(contract=record)


class OrganisationFeed(ChangesFeed):
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = self.record(kwargs["ods"])
        if kwargs["ods"] != organisation.identifier:
            # As the organisation's page does: GB-NHS-RAN is RAN.
            return HttpResponsePermanentRedirect(reverse("trust_feed", args=[organisation.identifier]))
        return super().__call__(request, *args, **kwargs)

    def record(self, ods: str) -> Organisation:
        organisation = Organisation.objects.by_identifier(ods[:60])
        if organisation is None:
            raise Http404(f"No organisation has the code “{ods[:60]}”.")
        return organisation

    def title(self, obj: Subject) -> str:
        return f"{obj.record.name}: published changes"

    def subtitle(self, obj: Subject) -> str:
        return (
            f"Each revision of a contract naming {obj.record.name} as it is published here, and each correction "
            "to its published entitlements."
        )

    def changes(self, record: Organisation) -> list[PublishedChange]:
        return published_changes(organisation=record)


class SystemFeed(ChangesFeed):
    def record(self, slug: str) -> System:
        return get_object_or_404(System, slug=slug)

    def title(self, obj: Subject) -> str:
        return f"{obj.record.name}: published changes"

    def subtitle(self, obj: Subject) -> str:
        return (
            f"Each revision of a contract dealing with {obj.record.name} as it is published here, and each "
            "correction to its published entitlements and programme lines."
        )

    def changes(self, record: System) -> list[PublishedChange]:
        return published_changes(system=record)
