"""Pages of the shared kernel; each concern's view module owns its url patterns."""

from onex.core.views import (
    audit,
    auth,
    calendar,
    dashboard,
    home,
    imports,
    mfa,
    policy,
    rules,
    security,
)

urlpatterns = [
    *home.urlpatterns,
    *dashboard.urlpatterns,
    *auth.urlpatterns,
    *mfa.urlpatterns,
    *security.urlpatterns,
    *audit.urlpatterns,
    *calendar.urlpatterns,
    *policy.urlpatterns,
    *rules.urlpatterns,
    *imports.urlpatterns,
]
