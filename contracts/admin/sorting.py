"""Admin lists sorted only as they offer to be: by the columns whose headers sort them."""

from django.contrib.admin.views.main import ChangeList


class SortedAsOffered(ChangeList):
    """A changelist that sorts only by the columns it offers to sort by (ModelAdmin.get_sortable_by). Django's sorts
    by any column a typed `?o=` names, whatever the headers offer; a column that may not sort is left out of the
    order, as Django leaves out one that cannot."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)
