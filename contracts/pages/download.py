"""The download page: a data package per contract and one of everything, with what each holds."""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from contracts.models import Contract
from contracts.services.dataset import (
    ContractCounts,
    contract_counts,
    dataset_counts,
    dataset_last_changed,
    dataset_records,
    entitlement_counts,
)


@dataclass(frozen=True)
class TableCount:
    title: str  # plural, as for any count but one
    rows: int

    @property
    def noun(self) -> str:
        return self.title if self.rows != 1 else self.title.removesuffix("s")


@dataclass(frozen=True)
class PackageOffer:
    title: str
    filename: str
    url: str
    counts: list[TableCount]
    whole: bool  # every table counted, not only the contract's own


@dataclass(frozen=True)
class DownloadPage:
    offers: list[PackageOffer]
    last_changed: datetime.datetime | None


def _contract_offer(contract: Contract, counts: ContractCounts) -> PackageOffer:
    filename = f"{contract.slug}.zip"
    return PackageOffer(
        title=contract.title,
        filename=filename,
        url=reverse("download_package", args=[contract.slug]),
        counts=[
            TableCount("revisions", counts.revisions),
            TableCount("entitlements", counts.entitlements),
            TableCount("deliverables", counts.deliverables),
            TableCount("deployments", counts.deployments),
            TableCount("reported figures", counts.figures),
        ],
        whole=False,
    )


def download_page() -> DownloadPage:
    """Every contract's package (its own records counted, a query per kind) and the whole dataset's (every table
    counted, a query per table), whatever the number of contracts."""
    entitlements = entitlement_counts()
    counts = contract_counts(entitlements=entitlements)
    contracts = Contract.objects.order_by("signed_on", "title", "pk")
    offers = [_contract_offer(contract, counts.get(contract.pk, ContractCounts())) for contract in contracts]
    everything = [TableCount(kind, rows) for kind, rows in dataset_counts(dataset_records(), entitlements=entitlements)]
    offers.append(
        PackageOffer(
            "Every contract, and the whole register",
            "all.zip",
            reverse("download_package", args=["all"]),
            everything,
            whole=True,
        )  # fmt: skip
    )
    return DownloadPage(offers=offers, last_changed=dataset_last_changed())
