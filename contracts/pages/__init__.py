"""What each page shows, assembled: functions that take records and return dataclasses for a template.

Pages build on selectors (reads) and services (comparisons, reconciliation). They never change a model instance
to carry extra values, and leave requests and responses to the views.
"""
