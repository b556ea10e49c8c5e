"""The site's own admin pieces: django-axes' records of sign-in attempts, with its one action made to declare
its permission.

(Axes' "Clean up expired attempts" declares none, so anyone who could see the list could run it; and it reads
the time of a sign-in attempt from the request, which only a sign-in request has, so it failed with a server
error. Here it counts from now.)
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    @admin.action(description="Clean up expired attempts", permissions=["delete"])
    def cleanup_expired_attempts(self, request, queryset):
        request.axes_attempt_time = None  # "expired" counts back from now
        return super().cleanup_expired_attempts(request, queryset)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
