"""Small builders for contracts that are not the London seed."""

from decimal import Decimal

from model_bakery import baker

from contracts.models import Contract, Revision
from organisations.models import Supplier


def contract_with_revisions(slug: str, codes: list[str], values: list[int | None] | None = None) -> Contract:
    supplier: Supplier = baker.make("trusts.Supplier", slug=f"{slug}-supplier", name=f"{slug} supplier")
    contract: Contract = baker.make(
        "contracts.Contract", slug=slug, title=f"{slug} contract", supplier=supplier, region=""
    )
    for sequence, code in enumerate(codes, start=1):
        value = values[sequence - 1] if values else None
        baker.make(
            "contracts.Revision",
            contract=contract,
            code=code,
            title=code,
            sequence=sequence,
            total_value=None if value is None else Decimal(value),
            is_published=True,
        )
    return contract


def revision(contract: Contract, code: str) -> Revision:
    return contract.revisions.get(code=code)


def organisation(code: str, kind: str = "acute", region: str = "", scheme: str = "GB-NHS"):
    return baker.make(
        "trusts.Organisation", scheme_id=scheme, code=code, name=f"Trust {code}", kind_id=kind, region=region
    )


def system(slug: str):
    return baker.make("contracts.System", slug=slug, name=slug.replace("-", " ").title())


def entitle(revision: Revision, organisation, system, status: str, **fields):
    reason = "Test reason" if status == "withdrawn" else ""
    return baker.make(
        "contracts.Entitlement",
        revision=revision,
        organisation=organisation,
        system=system,
        status=status,
        withdrawal_reason=reason,
        **fields,
    )
