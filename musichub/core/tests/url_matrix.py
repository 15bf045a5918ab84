"""Walk every URL pattern of a URLconf as every role and check each gets exactly what the policy says.

Used by test_role_url_matrix.py on the project's URLs and, in the same file, on a URLconf with a view
that forgets its permission check, to show the walk catches it.
"""

import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.exceptions import NoReverseMatch
from django.urls.resolvers import RoutePattern

from musichub.core.permissions import Access
from musichub.core.roles import Role

# Stand-in values for URL parameters: a role that may use the view gets a 404 for an unknown object, a role
# that may not gets the login page or a 403 before any lookup happens.
SAMPLE_BY_CONVERTER = {
    IntConverter: "999999",
    SlugConverter: "no-such-thing",
    UUIDConverter: str(uuid.UUID(int=0)),
    PathConverter: "no-such-thing",
    StringConverter: "no-such-thing",
}
# The admin's own pages: gated by HubAdminSite.has_permission, which asks core.permissions.
ADMIN_ACCESS = Access("core.use_admin")
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


@dataclass
class Endpoint:
    name: str
    url: str
    access: Access | None


def _sample_kwargs(pattern: URLPattern) -> dict[str, str] | None:
    if isinstance(pattern.pattern, RoutePattern):
        return {
            name: SAMPLE_BY_CONVERTER.get(type(converter), "no-such-thing")
            for name, converter in pattern.pattern.converters.items()
        }
    return None


def _reverse(resolver, name: str, kwargs: dict | None, group_names: list[str]) -> str | None:
    from django.urls import reverse

    candidates = [kwargs] if kwargs is not None else []
    # Regex patterns (the admin's app list) accept only certain values: try a few likely ones.
    for value in ["core", "999999", "no-such-thing"]:
        candidates.append(dict.fromkeys(group_names, value))
    for candidate in candidates:
        try:
            return reverse(name, kwargs=candidate or None, urlconf=resolver.urlconf_name)
        except NoReverseMatch:
            continue
    return None


def endpoints(urlconf=None) -> tuple[list[Endpoint], list[str]]:
    """Every named URL of the URLconf with a concrete address, and the patterns it could not address."""
    resolver = get_resolver(urlconf)
    found, unaddressable = [], []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                walk(entry.url_patterns, ns)
                continue
            if not entry.name:
                # The admin's final catch-all, and the media files Django serves itself with DEBUG on.
                if (
                    namespace != "admin" and entry.lookup_str != "django.views.static.serve"
                ):  # the admin's final catch-all is its own affair
                    unaddressable.append(f"unnamed pattern {entry.pattern} ({entry.lookup_str})")
                continue
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            group_names = list(entry.pattern.regex.groupindex)
            url = _reverse(resolver, name, _sample_kwargs(entry), group_names)
            if url is None:
                unaddressable.append(name)
                continue
            access = getattr(entry.callback, "access", None)
            if namespace == "admin":
                access = Access(None) if name in ADMIN_PUBLIC else ADMIN_ACCESS
            found.append(Endpoint(name=name, url=url, access=access))

    walk(resolver.url_patterns, None)
    return found, unaddressable


def _is_login_redirect(response) -> bool:
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return "login" in location


def walk_as(client, users: dict, urlconf=None) -> list[str]:
    """Request every endpoint as each user (None for anonymous); return every mismatch with the policy."""
    problems = []
    found, unaddressable = endpoints(urlconf)
    problems += [f"{name}: cannot build an address for it" for name in unaddressable]
    for endpoint in found:
        if endpoint.access is None:
            problems.append(f"{endpoint.name}: the view declares no access (use @requires(...) or @public)")
            continue
        for role, user in users.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(endpoint.url)
            denied = _is_login_redirect(response)
            # Inside the admin a 403 is a per-model rule (an audit log cannot be edited), not the role gate,
            # which sends everyone it refuses to the admin's sign-in page.
            if not endpoint.name.startswith("admin:"):
                denied = denied or response.status_code == 403
            allowed = endpoint.access.allows(Role(role) if role else None)
            who = role or "anonymous"
            if allowed and denied:
                problems.append(
                    f"{endpoint.name} {endpoint.url}: {who} should get in but got {response.status_code}"
                )
            elif not allowed and not denied:
                problems.append(
                    f"{endpoint.name} {endpoint.url}: {who} should be refused but got {response.status_code}"
                )
            elif not allowed and user is None and response.status_code == 403:
                problems.append(
                    f"{endpoint.name}: anonymous visitors should be sent to sign in, not given a 403"
                )
    return problems
