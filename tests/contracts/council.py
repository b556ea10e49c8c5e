"""A contract from outside the NHS beside the London seed: councils (GB-LAE codes, a kind of their own), three
revisions named as London's are, a system London has too (RiO), and each fact sourced."""

from decimal import Decimal

from model_bakery import baker

from contracts.models import Citation, Contract, Entitlement, Revision, Source, System
from organisations.models import IdentifierScheme, Organisation, OrganisationKind, Supplier

COUNCILS = [("WSM", "Westminster City Council"), ("CMD", "Camden Council"), ("ISL", "Islington Council"),
            ("HCK", "Hackney Council"), ("LBH", "Lambeth Council")]  # fmt: skip
REVISIONS = [("original", 40_000_000), ("ccn1", 36_000_000), ("ccn2", 30_000_000)]
# (council, system slug) → status under each revision
STATUSES = {
    ("WSM", "social-care-record"): ["entitled", "entitled", "entitled"],
    ("CMD", "social-care-record"): ["entitled", "withdrawn", "withdrawn"],
    ("ISL", "social-care-record"): ["entitled", "unknown", "entitled"],
    ("HCK", "social-care-record"): ["not_entitled", "not_entitled", "entitled"],
    ("LBH", "social-care-record"): ["entitled", "entitled", "declined"],
    ("WSM", "rio"): ["entitled", "entitled", "withdrawn"],
    ("CMD", "rio"): ["entitled", "entitled", "entitled"],
    ("WSM", "case-payments"): ["entitled", "entitled", "entitled"],
    ("ISL", "case-payments"): ["unknown", "entitled", "entitled"],
}


def council_contract(slug: str = "councils-care", *, title: str = "Councils' care records contract") -> Contract:
    """The council contract (idempotent for its organisations, scheme, kind and systems, so that several can be
    made with other slugs)."""
    scheme, _ = IdentifierScheme.objects.get_or_create(
        prefix="GB-LAE",
        defaults={"name": "Local authorities in England", "code_pattern": "^[A-Z]{3}$", "example": "WSM"},
    )
    kind, _ = OrganisationKind.objects.get_or_create(slug="local_authority", defaults={"name": "local authority"})
    supplier, _ = Supplier.objects.get_or_create(slug="care-systems-ltd", defaults={"name": "Care Systems Ltd"})
    source, _ = Source.objects.get_or_create(
        key="council-contract-notice", defaults={"title": "Contract award notice", "kind": "report"}
    )
    contract = baker.make(Contract, slug=slug, title=title, supplier=supplier, programme="Council care records")
    revisions = [
        baker.make(Revision, contract=contract, code=code, title=code.upper(), sequence=number,
                   total_value=Decimal(value), is_published=True)
        for number, (code, value) in enumerate(REVISIONS, start=1)
    ]  # fmt: skip
    councils = {
        code: Organisation.objects.get_or_create(scheme=scheme, code=code, defaults={"name": name, "kind": kind})[0]
        for code, name in COUNCILS
    }
    systems = {
        slug: System.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})[0]
        for slug in ["social-care-record", "rio", "case-payments"]
    }
    for (council, system), statuses in STATUSES.items():
        for revision, status in zip(revisions, statuses, strict=True):
            entitlement = Entitlement.objects.create(
                revision=revision, organisation=councils[council], system=systems[system], status=status,
                withdrawal_reason="Budget" if status == "withdrawn" else "",
            )  # fmt: skip
            Citation.objects.create(source=source, entitlement=entitlement, quote=f"{council} {status}", grade="stated")
    return contract
