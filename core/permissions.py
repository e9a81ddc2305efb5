"""Who may edit what: the one place every editing view asks.

Each editing view calls exactly one of these before it reads a form or picks a
template (``require(can_...(request.user, obj))``), and the templates show a
control only when the view's ``rights`` say so. Today the answers come from the
role groups' Django permissions (responses/roles.py); per-response rules (say,
"only this response's project team") belong here, in these functions, and
nowhere else.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied


def require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def can_edit_response(user, response) -> bool:
    """Metadata and introduction of the response."""
    return user.has_perm("responses.change_managementresponse")


def can_change_agreement(user, response) -> bool:
    return user.has_perm("recommendations.change_agreement")


def can_edit_recommendations(user, response) -> bool:
    """Add, edit, delete and reorder groups, themes and recommendations."""
    return all(
        user.has_perm(f"recommendations.{verb}_{model}")
        for verb in ("add", "change", "delete")
        for model in ("recommendationgroup", "theme", "recommendation")
    )


def can_edit_actions(user, response) -> bool:
    """Add, edit, delete and reorder actions and their parts."""
    return all(user.has_perm(f"actions.{verb}_action") for verb in ("add", "change", "delete"))


def can_change_status(user, response) -> bool:
    return user.has_perm("actions.change_status")


def can_edit_links(user, response) -> bool:
    return all(user.has_perm(f"actions.{verb}_actionlink") for verb in ("add", "change", "delete"))


@dataclass(frozen=True)
class Rights:
    """What ``user`` may edit in ``response``, for templates (which only hide what the views refuse)."""

    response: bool = False
    agreement: bool = False
    recommendations: bool = False
    actions: bool = False
    status: bool = False
    links: bool = False

    @property
    def any(self):
        return any((self.response, self.agreement, self.recommendations, self.actions, self.status, self.links))


def rights(user, response) -> Rights:
    if not user.is_authenticated:
        return Rights()
    return Rights(
        response=can_edit_response(user, response),
        agreement=can_change_agreement(user, response),
        recommendations=can_edit_recommendations(user, response),
        actions=can_edit_actions(user, response),
        status=can_change_status(user, response),
        links=can_edit_links(user, response),
    )


# Starting and deleting responses. Roles per response (issue 12) decide these in full; the
# new-response flow (issue 11) calls them, and ``on_response_created`` after it creates one.


def can_create_response(user) -> bool:
    """Start a new response (blank, from a file, or as a copy): evaluation staff and administrators."""
    return user.is_authenticated and (user.is_superuser or user.has_perm("responses.add_managementresponse"))


def can_delete_response(user, response) -> bool:
    """Delete a whole response with everything in it: administrators only."""
    return user.is_authenticated and user.is_superuser


def on_response_created(response, user) -> None:
    """Called once by every path that creates a response for a user (the browser flows).

    With roles per response, the creator becomes the response's evaluation staff.
    """
