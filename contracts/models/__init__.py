"""Contracts, their revisions, what they deliver to whom, and the sources behind it."""

from contracts.models.contract import Contract, Revision, RevisionQuerySet
from contracts.models.delivery import Deliverable, DeliverableStatus, Deployment, DeploymentStatus
from contracts.models.entitlement import Entitlement, EntitlementStatus
from contracts.models.figure import MEASURE_NEEDS, ReportedFigure, ReportedFigureMeasure
from contracts.models.source import CITABLE, Citation, EvidenceGrade, Source, SourceKind
from contracts.models.system import System, SystemScope
from contracts.models.tally import StatusPairCount

__all__ = [
    "CITABLE",
    "MEASURE_NEEDS",
    "Citation",
    "Contract",
    "Deliverable",
    "DeliverableStatus",
    "Deployment",
    "DeploymentStatus",
    "Entitlement",
    "EntitlementStatus",
    "EvidenceGrade",
    "ReportedFigure",
    "ReportedFigureMeasure",
    "Revision",
    "RevisionQuerySet",
    "Source",
    "SourceKind",
    "StatusPairCount",
    "System",
    "SystemScope",
]
