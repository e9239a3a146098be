"""Response headers that say what a page may do (README, "Security").

Content-Security-Policy comes from django-csp. Its middleware sends the site's
policy (settings.CONTENT_SECURITY_POLICY) on every response; the one below sends
the staff policy (settings.STAFF_CONTENT_SECURITY_POLICY) instead on the admin and
the editor's upload and image browser, and the editor's (EDITOR_CONTENT_SECURITY_
POLICY) on the article form, where CKEditor 4 needs allowances no other page gets.
A view's own policy (the attachment download's sandbox) is left alone.

Permissions-Policy and Cross-Origin-Resource-Policy have no Django setting; the
second middleware adds them. It sits after WhiteNoise, so static files (the emblem
other sites show when an article is shared) are not covered by the resource policy.
"""

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings


def staff_policy(request):
    """The policy for a staff address: the editor's on the article form, the staff
    policy elsewhere in the admin and on the editor's upload; None on public pages."""
    match = request.resolver_match
    if match and match.view_name in settings.EDITOR_CONTENT_SECURITY_POLICY["VIEWS"]:
        return settings.EDITOR_CONTENT_SECURITY_POLICY["DIRECTIVES"]
    if request.path_info.startswith(tuple(settings.STAFF_CONTENT_SECURITY_POLICY["URL_PREFIXES"])):
        return settings.STAFF_CONTENT_SECURITY_POLICY["DIRECTIVES"]
    return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            parts.config = staff_policy(request)
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        # django-csp writes the directives in a set's order, which differs from one
        # process to the next; the same page should send the same bytes everywhere.
        if HEADER in response:
            response[HEADER] = "; ".join(sorted(response[HEADER].split("; ")))
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy (settings.PERMISSIONS_POLICY) and Cross-Origin-Resource-Policy
    (settings.CROSS_ORIGIN_RESOURCE_POLICY) on every response Django makes."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        if settings.CROSS_ORIGIN_RESOURCE_POLICY:
            response.headers.setdefault(
                "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
            )
        return response
