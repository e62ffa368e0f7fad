"""What each profile of the expectation table allows, per persona.

Outcomes are HTTP statuses as text, with "200e" for a 200 that shows no business data (an empty
list, or a page naming none of the personas' schools). The rules every profile shares:

* the separated administrators (系统/安全/审计管理员) never get business data: a business
  endpoint answers them 403, 404 or an empty 200 (writes: 403/404, or 422 when the body's
  validation answers before the service refuses);
* the anonymous visitor is sent to the login page (pages: 302) or refused (API: 401), unless
  the endpoint is public.
"""

from __future__ import annotations

from tests.authz.harness import Endpoint

SEPARATED = frozenset({"sysadmin", "secadmin", "auditadmin"})
BUSINESS = frozenset({"ministry", "gd", "gd_viewer", "gz_city", "gd_school", "org", "learner"})
OK = frozenset({"200", "200e"})
REFUSED = frozenset({"403", "404"})


def _anonymous(endpoint: Endpoint) -> frozenset[str]:
    return frozenset({"401"}) if endpoint.is_api else frozenset({"302"})


def allows(profile: str, who: str, outcome: str, endpoint: Endpoint) -> bool:
    write = endpoint.method != "GET"
    if profile == "public":
        # Open to everyone, the separated administrators included (published information);
        # 422 when the request lacks the query or body the endpoint needs.
        return outcome in OK | {"422"} | ({"404", "405", "302"} if write else set())
    if profile == "public_missing":
        # Public, asked for something that does not exist.
        return outcome in {"404", "422"}
    if profile == "redirect":
        return outcome == "302"
    if profile == "anonymous_page":
        # The login page: a signed-in person is sent on.
        return outcome in (OK if who == "anonymous" else {"302", "200", "200e"})
    if profile == "missing":
        # A detail endpoint asked for an object that does not exist: 404 for everyone (the
        # anonymous visitor may also be sent to the login page first).
        allowed = REFUSED | ({"405", "422"} if write else set())
        return outcome in allowed | (_anonymous(endpoint) if who == "anonymous" else set())
    if who == "anonymous":
        return outcome in _anonymous(endpoint) | ({"405"} if profile == "post_only" else set())
    if profile == "signed_in":
        # Every signed-in person (own account pages: tokens, password, MFA, rules).
        # (the MFA verification page sends someone without an authenticator to enrolment: 302)
        return outcome in OK | {"302"} | ({"405", "422", "404"} if write else set())
    if profile == "post_only":
        # A POST-only page asked with GET: 405 for everyone signed in.
        return outcome == "405"
    if profile == "business":
        if who in SEPARATED:
            # 422: the query or body failed validation before any data was read.
            return outcome in REFUSED | {"200e", "405", "422"}
        return outcome in OK | REFUSED | {"405", "422"}
    if profile == "account_admin":
        # Units and accounts (who works where, in which role: not business data). The 系统管理员
        # administers them nationally; a business administrator its own unit's (others see
        # an empty list or are refused); the security and audit administrators administer none.
        if who == "sysadmin":
            return outcome in OK | ({"201", "404", "422"} if write else set())
        if who in SEPARATED:
            return outcome in REFUSED | {"200e", "405", "422"}
        return outcome in OK | REFUSED | {"405", "422"}
    if profile == "moved":
        # A page that moved elsewhere: those it concerns are sent on (302), others refused.
        if who in SEPARATED:
            return outcome in REFUSED
        return outcome in REFUSED | {"302"}
    if profile == "security_admin":
        if who == "secadmin":
            return outcome in OK | ({"404", "422", "204"} if write else set())
        return outcome == "403"
    if profile == "audit_admin":
        if who == "auditadmin":
            return outcome in OK
        return outcome == "403"
    if profile == "audit_read":
        # The audit administrator and the business administrators of national and provincial
        # units (business events of their jurisdiction, ADR 0005); nobody else.
        if who in {"auditadmin", "ministry", "gd"}:
            return outcome in OK | {"404"}
        return outcome in {"403", "404"}
    raise AssertionError(f"unknown profile {profile!r}")
