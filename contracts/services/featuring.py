"""Which contract the home page features: one at a time, chosen by an editor."""

from django.contrib.auth.models import AbstractBaseUser

from contracts.models import Contract
from contracts.services.history import record_change


def stop_featuring_others(contract: Contract, *, user: AbstractBaseUser | None = None) -> None:
    """Every other featured contract stops being featured, each change kept in its history."""
    for other in Contract.objects.filter(is_featured=True).exclude(pk=contract.pk):
        other.is_featured = False
        record_change(other, reason=f"{contract.title} is featured instead", user=user)
        other.save()
