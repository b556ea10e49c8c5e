"""What each word the pages use for a status, an outcome, a grade or a verdict means, in one sentence: the same
sentence on the About page, in each page's legend and in the title of each badge."""

from dataclasses import dataclass

from django.db.models import TextChoices

from contracts.models import DeliverableStatus, DeploymentStatus, EntitlementStatus, EvidenceGrade
from contracts.outcomes import Outcome
from contracts.services.reconcile import Verdict


@dataclass(frozen=True)
class Term:
    code: str
    word: str
    meaning: str


@dataclass(frozen=True)
class Glossary:
    key: str
    title: str
    introduction: str
    terms: list[Term]

    def meaning_of(self, code: str) -> str:
        return next((term.meaning for term in self.terms if term.code == code), "")


def _terms(choices: type[TextChoices], meanings: dict[str, str]) -> list[Term]:
    return [Term(code, str(choices(code).label), meanings[code]) for code in choices.values]


OUTCOMES = Glossary(
    "outcomes",
    "Outcomes between two revisions",
    "What happened to an organisation's system from one revision of a contract to another. Outcomes are worked "
    "out from the two revisions' statuses, never typed in.",
    _terms(
        Outcome,
        {
            Outcome.KEPT: "Entitled in both revisions.",
            Outcome.LOST: "Entitled in the first revision, and withdrawn, not entitled or declined in the second.",
            Outcome.GAINED: "Not entitled in the first revision, entitled in the second.",
            Outcome.NEVER: "Entitled in neither revision.",
            Outcome.UNKNOWN: "The sources do not say what one of the two revisions gave it, so the outcome cannot "
            "be told; it is not a guess either way.",
        },
    ),
)

STATUSES = Glossary(
    "statuses",
    "Entitlement statuses",
    "What one revision of a contract gave one organisation of one system.",
    _terms(
        EntitlementStatus,
        {
            EntitlementStatus.ENTITLED: "The contract, as this revision stood, was to deliver the system to it.",
            EntitlementStatus.NOT_ENTITLED: "The revision did not include the system for it.",
            EntitlementStatus.WITHDRAWN: "The revision explicitly took away a system an earlier one promised.",
            EntitlementStatus.DECLINED: "The organisation chose to keep its own system instead.",
            EntitlementStatus.UNKNOWN: "No source says; shown as unknown rather than guessed.",
        },
    ),
)

DEPLOYMENTS = Glossary(
    "deployments",
    "Deployment statuses",
    "What actually happened at an organisation, whatever the contract said.",
    _terms(
        DeploymentStatus,
        {
            DeploymentStatus.NOMINAL_SLOT: "A place in the deployment plan, with no date fixed.",
            DeploymentStatus.SCHEDULED: "A go-live date was planned.",
            DeploymentStatus.LIVE: "The system went live there (as precisely dated as the source gives it).",
            DeploymentStatus.WITHDRAWN: "A planned deployment was taken away by a change to the contract.",
            DeploymentStatus.CANCELLED: "A planned deployment was called off for another reason.",
        },
    ),
)

PROGRAMME_LINES = Glossary(
    "programme-lines",
    "Programme lines",
    "What a revision says of a programme-wide deliverable, such as GP systems for every practice.",
    _terms(
        DeliverableStatus,
        {
            DeliverableStatus.INCLUDED: "In the revision, as before.",
            DeliverableStatus.REDUCED: "Still in the revision, but smaller than before: fewer units or a shorter term.",
            DeliverableStatus.REMOVED: "Taken out of the contract; the quantity shown is what had been promised.",
            DeliverableStatus.NOT_RENEWED: "Left to run out at the end of its term.",
            DeliverableStatus.ADDED: "New in this revision.",
        },
    ),
)

GRADES = Glossary(
    "grades",
    "Evidence grades",
    "How the source behind a fact supports it.",
    _terms(
        EvidenceGrade,
        {
            EvidenceGrade.STATED: "The source says it in so many words; the quote is shown where its text is at hand.",
            EvidenceGrade.INFERRED: "It follows from what sources say, but none says it outright; the citation "
            "says how.",
            EvidenceGrade.DERIVED: "Computed from other recorded facts, which the citation names.",
            EvidenceGrade.UNSOURCED: "Saved by an editor without a source, for the reason given; a fact to check.",
        },
    ),
)

VERDICTS = Glossary(
    "verdicts",
    "Reported figures against the records",
    "Each number a source states is set beside what the records give, counting unknowns as a range.",
    _terms(
        Verdict,
        {
            Verdict.AGREES: "The stated number, with its qualifier (about, at most, at least), fits the records.",
            Verdict.DISAGREES: "It cannot fit the records, whatever the unknowns turn out to be.",
            Verdict.OPEN: "It fits some ways the unknowns could turn out and not others.",
            Verdict.NOT_COMPARED: "The records hold nothing to set it against.",
        },
    ),
)

EVERY_GLOSSARY = [OUTCOMES, STATUSES, DEPLOYMENTS, PROGRAMME_LINES, GRADES, VERDICTS]

# Metadata a record leaves blank is "not recorded": "unknown" means only that sources do not say a status.
NOT_RECORDED = "not recorded"
