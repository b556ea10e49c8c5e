"""Model managers shared by records that are named by a slug."""

from django.db import models


class SlugManager(models.Manager):
    """Looks a record up by its slug, its natural key (for serialisation)."""

    def get_by_natural_key(self, slug: str) -> models.Model:
        return self.get(slug=slug)
