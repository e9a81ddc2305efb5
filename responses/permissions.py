"""Who may do what, per response: the one place every view asks.

Roles are granted per response (``responses.models.Membership``): evaluation staff
(recommendations, agreement levels, the response's own texts, its people), project
team (actions, status, progress), reader (reads and exports the draft); links between
recommendations and actions belong to both editing roles. Administrators (superusers)
may do everything. A published response is readable by anyone; a draft only by its
members and administrators.

Each view calls ``require(can_...(request.user, response))`` before it reads a form or
picks a template. The answers are ``Answer`` objects, true or false like a bool; a false
answer remembers whether the user may at least *see* the response, so that ``require``
refuses a draft the user may not read with 404 (its existence is not announced), and
everything else with 403. Templates get ``rights(user, response)`` and only hide what
the views refuse.

The one global role left is "may start a response" (the *Evaluatiemedewerkers* group,
``responses.roles``); whoever starts one becomes its evaluation staff (``on_response_created``).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership

EVALUATION_STAFF = "evaluation_staff"
PROJECT_TEAM = "project_team"
READER = "reader"


class Answer:
    """A yes/no that also knows whether the user may see the response it is about."""

    __slots__ = ("allowed", "visible")

    def __init__(self, allowed, *, visible=True):
        self.allowed = bool(allowed)
        self.visible = bool(visible) or self.allowed

    def __bool__(self):
        return self.allowed

    def __repr__(self):
        return f"Answer(allowed={self.allowed}, visible={self.visible})"


def require(allowed):
    """Raise 404 for a response the user may not see, 403 for one they may see but not change."""
    if allowed:
        return
    if not getattr(allowed, "visible", True):
        raise Http404
    raise PermissionDenied


def roles_of(user):
    """{response id: role} of ``user``, read once per user object (so once per request).

    They are kept on the user object as ``user.response_roles_cache`` (no field or relation of
    a user has that name). Django makes a new user object for each request
    (``AuthenticationMiddleware``), so the roles are read once per request and never outlive
    it. A cache elsewhere, keyed by user, would outlive the request or, as model objects
    compare by pk, hand one request's roles to the next; ``forget_roles`` empties it.
    """
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "response_roles_cache", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("response_id", "role"))
        user.response_roles_cache = cached
    return cached


def forget_roles(user):
    """After a membership change: the next question reads the roles again."""
    if hasattr(user, "response_roles_cache"):
        del user.response_roles_cache


def role_in(user, response):
    return roles_of(user).get(response.pk)


def is_admin(user):
    return user.is_authenticated and user.is_superuser


def can_view(user, response) -> Answer:
    """Read the response (page, PDF, YAML export)."""
    allowed = response.is_published or is_admin(user) or role_in(user, response) is not None
    return Answer(allowed, visible=allowed)


def _has_role(user, response, *roles) -> Answer:
    if is_admin(user):
        return Answer(True)
    role = role_in(user, response)
    return Answer(role in roles, visible=response.is_published or role is not None)


def can_edit_response(user, response) -> Answer:
    """Metadata of the response and its chapters (the introduction is the first)."""
    return _has_role(user, response, EVALUATION_STAFF)


def can_change_agreement(user, response) -> Answer:
    return _has_role(user, response, EVALUATION_STAFF)


def can_edit_recommendations(user, response) -> Answer:
    """Add, edit, delete and reorder groups, themes and recommendations."""
    return _has_role(user, response, EVALUATION_STAFF)


def can_edit_actions(user, response) -> Answer:
    """Add, edit, delete and reorder actions and their parts."""
    return _has_role(user, response, PROJECT_TEAM)


def can_change_status(user, response) -> Answer:
    return _has_role(user, response, PROJECT_TEAM)


def can_add_evidence(user, response) -> Answer:
    """Add and remove evidence (files and links) of actions: the project team, as for statuses."""
    return _has_role(user, response, PROJECT_TEAM)


def can_validate(user, response) -> Answer:
    """Validate a status the project team claimed, or send it back: evaluation staff."""
    return _has_role(user, response, EVALUATION_STAFF)


def can_edit_links(user, response) -> Answer:
    return _has_role(user, response, EVALUATION_STAFF, PROJECT_TEAM)


def can_manage_people(user, response) -> Answer:
    """Add and remove the response's members and change their roles."""
    return _has_role(user, response, EVALUATION_STAFF)


def can_publish(user, response) -> Answer:
    """Publish a version (checks first; only administrators may publish over errors)."""
    return _has_role(user, response, EVALUATION_STAFF)


def can_withdraw(user, response) -> Answer:
    """Withdraw a published response (with a reason): whoever may publish it may take it back,
    evaluation staff and administrators. Its versions stay (``responses.services.withdraw``)."""
    return _has_role(user, response, EVALUATION_STAFF)


def can_view_history(user, response) -> Answer:
    """The activity feed and timelines: who changed what. Members and administrators, drafts or not."""
    return _has_role(user, response, EVALUATION_STAFF, PROJECT_TEAM, READER)


def can_follow_up(user, response) -> Answer:
    """The follow-up page and review reports (owners, deadlines, progress): members and administrators."""
    return _has_role(user, response, EVALUATION_STAFF, PROJECT_TEAM, READER)


@dataclass(frozen=True)
class Rights:
    """What ``user`` may do in ``response``, for templates (which only hide what the views refuse)."""

    response: bool = False
    agreement: bool = False
    recommendations: bool = False
    actions: bool = False
    status: bool = False
    links: bool = False
    people: bool = False
    history: bool = False
    publish: bool = False
    withdraw: bool = False
    evidence: bool = False
    validate: bool = False

    @property
    def any(self):
        return any((self.response, self.agreement, self.recommendations, self.actions, self.status, self.links))


def rights(user, response) -> Rights:
    if not user.is_authenticated:
        return Rights()
    return Rights(
        response=bool(can_edit_response(user, response)),
        agreement=bool(can_change_agreement(user, response)),
        recommendations=bool(can_edit_recommendations(user, response)),
        actions=bool(can_edit_actions(user, response)),
        status=bool(can_change_status(user, response)),
        links=bool(can_edit_links(user, response)),
        people=bool(can_manage_people(user, response)),
        history=bool(can_view_history(user, response)),
        publish=bool(can_publish(user, response)),
        withdraw=bool(can_withdraw(user, response)),
        evidence=bool(can_add_evidence(user, response)),
        validate=bool(can_validate(user, response)),
    )


# Starting and deleting responses. The new-response flow (issue 11) calls these, and
# ``on_response_created`` after it creates one.


def can_create_response(user) -> bool:
    """Start a new response (blank, from a file, or as a copy): the *Evaluatiemedewerkers* group and administrators."""
    return user.is_authenticated and (user.is_superuser or user.has_perm("responses.add_managementresponse"))


def can_delete_response(user, response) -> Answer:
    """Delete a whole response with everything in it: administrators only (others get 404 for a
    draft they cannot see, like every other URL of it). Not while it has published versions: those
    are kept (``ResponseVersion.response`` is PROTECT); the delete page says so and offers to withdraw."""
    allowed = user.is_authenticated and user.is_superuser
    return Answer(allowed, visible=bool(can_view(user, response)))


def on_response_created(response, user) -> None:
    """Called once by every path that creates a response for a user (the browser flows):
    the creator becomes the response's evaluation staff."""
    if not user.is_authenticated:
        return

    Membership.objects.update_or_create(user=user, response=response, defaults={"role": EVALUATION_STAFF})
    forget_roles(user)
