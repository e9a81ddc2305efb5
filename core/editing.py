"""What every editing surface shares: versioned saves, the htmx status-code convention, reordering.

No lost updates
    Each edit form carries the ``version`` of the row it was based on (a hidden
    field). ``save_if_unchanged`` claims the row with one conditional UPDATE
    (``... SET version = version + 1 WHERE pk = %s AND version = %s``), which is
    atomic on PostgreSQL and SQLite alike; if nobody else saved in between it
    writes the form's fields, otherwise it raises ``StaleEdit`` with the row as
    it is now and writes nothing.

Status codes (one convention for every editing view)
    200  the page or fragment; after a successful htmx save, the updated fragment
    302  after a successful plain-form save: back to where the user came from
    409  the record changed since the form was loaded; the form comes back with
         the current values and the user's own input, ready to save again
    422  the form has errors; it comes back with each error next to its field
    403/404/405  no permission, no such record, wrong method: htmx does not swap
         these, static/js/app.js announces them and leaves the form as it was

htmx swaps 409 and 422 bodies because base.html configures ``responseHandling``.
"""

import secrets
import time
from functools import wraps
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.db import models, transaction
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from . import audit, revision
from .rendered import with_rendered_fields

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.options import BaseModelAdmin

    # The admin mixins are mixed into ModelAdmin and inline subclasses: their bases for mypy.
    _AdminBase = ModelAdmin
    _BaseAdmin = BaseModelAdmin
else:
    _AdminBase = _BaseAdmin = object

INVALID = 422
CONFLICT = 409
PREVIEW = 200  # "Voorbeeld" without JavaScript: the form again, with its Markdown rendered, nothing saved


class StaleEdit(Exception):
    """The row changed (or disappeared) after the form was loaded. ``current`` is the row now, or None."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current


def save_if_unchanged(instance, *, base_version, user, fields):
    """Save ``fields`` of ``instance`` if its row is still at ``base_version``; bump the version.

    Raises ``StaleEdit`` (and saves nothing) when someone saved the row since.

    Inside a caller's transaction this adds no savepoint of its own (two queries fewer): a
    refused claim has written nothing and raises after the block; a failing save fails the
    caller's transaction, as it should (the claim must not stay without the save).
    """
    model = type(instance)
    loaded = getattr(instance, "loaded_values", None)
    saved = with_rendered_fields(model, [*fields, "version", "updated_by", "updated_at"])
    known = None
    with transaction.atomic(savepoint=False):
        claimed = model._default_manager.filter(pk=instance.pk, version=base_version).update(
            version=models.F("version") + 1
        )
        if claimed:
            instance.version = base_version + 1
            instance.updated_by = user
            # Read at the version just claimed, the row as it was loaded is the state before this save:
            # the audit trail compares with it instead of reading the previous record.
            known = loaded if loaded is not None and loaded.get("version") == base_version else None
            with audit.compared_with(instance, known):
                # A Markdown field's stored HTML is saved with it (core/rendered.py).
                instance.save(update_fields=saved)
    if not claimed:
        raise StaleEdit(model._default_manager.filter(pk=instance.pk).first())
    # What the row holds now, for a next save of the same instance.
    if known is None:
        instance.loaded_values = None
    else:
        columns = {model._meta.get_field(name).attname for name in saved}
        instance.loaded_values = {**known, **{attname: getattr(instance, attname) for attname in columns}}


def delete_if_unchanged(instance, *, base_version):
    """Delete ``instance`` (and what cascades from it) if its row is still at ``base_version``.

    Raises ``StaleEdit`` when someone saved it since (``current`` is the row now) or
    deleted it already (``current`` is None).
    """
    model = type(instance)
    with transaction.atomic(), revision.batch():  # a cascade bumps the response's revision once
        deleted, _counts = model._default_manager.filter(pk=instance.pk, version=base_version).delete()
        if not deleted:
            raise StaleEdit(model._default_manager.filter(pk=instance.pk).first())


class DeleteForm(forms.Form):
    """The confirmation of a delete: the version the user saw when deciding."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionedForm(forms.ModelForm):
    """A ModelForm that refuses to overwrite a change made by someone else since it was loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.current = None  # the row as someone else left it, after a refused save

    # ModelForm.save(commit) has no user; a versioned save always writes, as ``user``.
    def save(self, *, user):  # type: ignore[override]
        if self.instance.pk is None:
            self.instance.updated_by = user
            return super().save()
        fields = [name for name in self._meta.fields or () if name in self.cleaned_data]
        columns = [name for name in fields if not self.instance._meta.get_field(name).many_to_many]
        if columns == fields:
            save_if_unchanged(self.instance, base_version=self.cleaned_data["version"], user=user, fields=columns)
            return self.instance
        with transaction.atomic():  # a stale save undoes the many-to-many changes too
            # Many-to-many fields (an action's owners) are not columns. ``save(commit=False)`` writes
            # nothing and gives the form its ``save_m2m()``, which sets them; first, so that the save's
            # record on the audit trail has them with the rest (one edit, one entry).
            super().save(commit=False)
            with audit.m2m_recorded_by_next_save(self.instance):
                self.save_m2m()
            save_if_unchanged(self.instance, base_version=self.cleaned_data["version"], user=user, fields=columns)
        return self.instance

    def refuse_stale(self, current):
        """Keep the user's input, explain, and base the next save on the current version."""
        self.current = current
        if current is None:
            self.add_error(
                None,
                _("Iemand anders heeft dit intussen verwijderd. Uw tekst staat hieronder, zodat u ze kunt kopiëren."),
            )
            return
        # A bound form's data is the request's QueryDict (a dict in some tests): both copy; the stubs say Mapping.
        data = self.data.copy()  # type: ignore[attr-defined]
        data[self.add_prefix("version")] = current.version
        self.data = data
        self.add_error(None, changed_by_message(current))

    @property
    def current_values(self):
        """(label, value) of each edited field as the row holds it now, after a refused save."""
        if self.current is None:
            return []
        values = []
        for name in self._meta.fields or ():
            if name not in self.fields:
                continue
            display = getattr(self.current, f"get_{name}_display", None)
            value = display() if display else getattr(self.current, name)
            values.append((self.fields[name].label, "" if value is None else value))
        return values


def last_change(current):
    """Who last saved ``current`` (None if unknown) and when, formatted for a message."""
    who = None
    if current.updated_by_id is not None:  # no query for a record nobody has saved in the app
        who = current.updated_by.get_full_name() or current.updated_by.get_username()
    return who, date_format(
        timezone.localtime(current.updated_at), "j F Y H:i"
    )  # "2 December 2026 13:39", as pages write dates


def changed_by_message(current):
    who, when = last_change(current)
    if who:
        text = _("%(who)s heeft dit intussen gewijzigd (%(when)s).") % {"who": who, "when": when}
    else:
        text = _("Iemand anders heeft dit intussen gewijzigd (%(when)s).") % {"when": when}
    return (
        text
        + " "
        + _(
            "Uw wijziging is niet opgeslagen. Hieronder ziet u de huidige versie en uw eigen invoer: "
            "pas die aan en sla opnieuw op, of annuleer."
        )
    )


def save_form(request, form):
    """Validate and save a ``VersionedForm`` (or a plain ModelForm).

    Returns None when saved, else the status code to re-render the form with: 422 or 409
    (or 200 when the user asked for a preview: the form's "_preview" button).
    """
    if "_preview" in request.POST:
        return PREVIEW
    if not form.is_valid():
        autofocus_first_error(form)
        return INVALID
    try:
        if isinstance(form, VersionedForm):
            form.save(user=request.user)
        else:
            form.save()
    except StaleEdit as stale:
        form.refuse_stale(stale.current)
        return CONFLICT
    return None


def autofocus_first_error(form):
    """After a swap the keyboard user lands on the first field that needs attention."""
    first = next((name for name in form.fields if name in form.errors), None)
    if first is None:
        return
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    form.fields[first].widget.attrs["autofocus"] = True


def live_preview(form, *names, url):
    """Let the Markdown fields ``names`` show a live preview under them (htmx; see
    templates/editing/_markdown_field.html). Without JavaScript the form's "Voorbeeld"
    button does the same with a round trip.

    ``url`` is the preview view of the object the form edits (for a response's texts:
    ``response.get_preview_url()``, so that only people who may edit it get a preview). It is
    resolved by the caller when the view builds the form, and not while the template renders:
    there an error in looking it up would be swallowed and the whole field would render blank.
    """
    if not isinstance(url, str) or not url:
        raise TypeError(f"live_preview needs the preview URL, not {url!r}")
    base = url
    for name in names:
        bound = form[name]
        bound.field.widget.attrs.update(
            {
                "hx-post": f"{base}?field={form.add_prefix(name)}",
                "hx-trigger": "input changed delay:400ms",
                "hx-target": f"#{bound.auto_id}_preview",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )


STASH_PREFIX = "editing:stash:"
STASH_LIMIT = 200_000  # characters of one form's input kept across a login; more is not a form a person typed
# A session keeps at most this many kept inputs, of at most this many characters together: the
# oldest go first (a form kept again replaces its earlier input).
STASH_MAX_PER_SESSION = 3
STASH_TOTAL_LIMIT = 250_000
# The input travels through the login page, signed (it is not stored anywhere before the login).
KEPT_SALT = "core.editing.kept-input"
KEPT_MAX_AGE = 12 * 60 * 60  # seconds a login page may stay open with it
# What is not the user's input: the CSRF token (the new session gets a new one) and the buttons.
NOT_INPUT = {"csrfmiddlewaretoken", "_preview"}


def keeps_input(view):
    """Mark an editing view whose POST goes through ``save_form``: if the session expired
    while the user was typing, ``login_required`` keeps their input across the login and
    the view shows it again, bound to the form and unsaved (see ``login_required``).

    Only for views whose POST with ``_preview`` saves nothing (``save_form`` returns
    ``PREVIEW``): a delete or a move must never be replayed."""
    view.keeps_input = True
    return view


def login_required(view):
    """Editing needs a login. An htmx request (say, after the session expired) gets a
    full-page redirect to the login page, not the login form swapped into a table row.

    A POST to a ``keeps_input`` view by someone whose session expired is not lost, and costs
    the server nothing until they log in: the answer is the login page itself, which carries
    the input (without the CSRF token), signed, in a hidden field. Logging in with it
    (``keep_input_after_login``) puts it into the new session under a random token and sends
    the user back to the edit page with ``?restore=<token>``. That GET shows the form bound to
    the kept input as a preview: nothing is saved until the user saves again, and the form's
    version still refuses a stale save (409). No session is made for an anonymous POST."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.method == "GET" and "restore" in request.GET and getattr(view, "keeps_input", False):
                restore_input(request)
            return view(request, *args, **kwargs)
        if request.method == "POST" and getattr(view, "keeps_input", False):
            sealed = seal_input(request)
            if sealed:
                return login_page_keeping(request, *sealed)
        if request.htmx:
            current = request.htmx.current_url_abs_path or request.get_full_path()
            login = redirect_to_login(current, settings.LOGIN_URL)
            return HttpResponseClientRedirect(login["Location"])
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    return wrapper


def seal_input(request):
    """(token, the POST's input signed for the login page), or None if there is nothing to keep."""
    data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_INPUT}
    if not data or sum(len(v) for values in data.values() for v in values) > STASH_LIMIT:
        return None
    token = secrets.token_urlsafe(16)
    sealed = signing.dumps({"path": request.path, "data": data, "token": token}, salt=KEPT_SALT, compress=True)
    return token, sealed


def login_page_keeping(request, token, sealed):
    """The login page, carrying the kept input; after the login, back to the edit page to restore it.
    For htmx: the whole page (the body swapped, the address bar on the login page)."""
    from django.contrib.auth.forms import AuthenticationForm

    next_url = f"{request.path}?{urlencode({'restore': token})}"
    http = render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "next": next_url, "kept_input": sealed},
    )
    if request.htmx:
        http["HX-Retarget"] = "body"
        http["HX-Reswap"] = "innerHTML"
        http["HX-Push-Url"] = redirect_to_login(next_url, settings.LOGIN_URL)["Location"]
    return http


def keep_input_after_login(sender, request, user, **kwargs):
    """``user_logged_in``: a login that carries kept input (``login_page_keeping``) keeps it in the
    new session, so that the edit page it returns to can show it (``restore_input``)."""
    sealed = request.POST.get("kept_input") if request is not None and request.method == "POST" else None
    if not sealed:
        return
    try:
        kept = signing.loads(sealed, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
    except signing.BadSignature:
        return
    stash_input(request.session, token=kept["token"], path=kept["path"], data=kept["data"])


def stash_input(session, *, token, path, data):
    """Keep ``data`` (a form's input for ``path``) in ``session`` under ``token``, within the bounds:
    the same form's earlier input goes, then the oldest, until there is room."""
    size = sum(len(v) for values in data.values() for v in values)
    if size > STASH_LIMIT:
        return
    kept = sorted(
        ((key, value) for key, value in session.items() if key.startswith(STASH_PREFIX)),
        key=lambda item: item[1].get("at", 0),
    )
    for key, value in kept:
        if value.get("path") == path:  # the same form kept again: the newer input replaces it
            del session[key]
    kept = [(key, value) for key, value in kept if value.get("path") != path]
    while kept and (
        len(kept) >= STASH_MAX_PER_SESSION or sum(value.get("size", 0) for _k, value in kept) + size > STASH_TOTAL_LIMIT
    ):
        key, _value = kept.pop(0)
        del session[key]
    session[STASH_PREFIX + token] = {"path": path, "data": data, "size": size, "at": time.time()}


def restore_input(request):
    """Turn this GET into the kept POST, as a preview: the view renders the bound form, saves nothing."""
    stash = request.session.pop(STASH_PREFIX + request.GET["restore"], None)
    if not stash or stash.get("path") != request.path:
        return
    data = QueryDict(mutable=True)
    for key, values in stash["data"].items():
        data.setlist(key, values)
    data["_preview"] = "1"
    request.method = "POST"
    request.POST = QueryDict(data.urlencode())  # parsed from a query string: immutable, as a request's POST is
    request.restored_input = True
    messages.warning(
        request,
        _(
            "Uw sessie was verlopen. Uw invoer is bewaard en staat hieronder, maar is nog niet opgeslagen: "
            "kijk ze na en sla opnieuw op."
        ),
    )


def safe_next(request, default):
    """Where a plain form goes back to (and its Cancel link leads): a local ``next`` or ``default``.

    Only a path on this site passes: Django's ``url_has_allowed_host_and_scheme`` judges
    it, on the value as given and once more percent-decoded, and a backslash or a control
    character anywhere refuses it (browsers read ``/\\host`` as ``//host``).
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    decoded = unquote(target)
    if not target.startswith("/") or any(c == "\\" or ord(c) < 32 or ord(c) == 127 for c in decoded):
        return default
    for candidate in (target, decoded):
        if candidate.startswith("//") or not url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return default
    return target


@transaction.atomic
def move(obj, siblings, direction):
    """Swap ``obj`` with its neighbour above (``direction="up"``) or below ("down") among ``siblings``.

    The orders are renumbered 0, 1, 2... on the way, so gaps and duplicates left
    by imports or deletions disappear. Returns False when ``obj`` is already first/last.
    """
    rows = list(siblings.select_for_update().order_by("order", "pk"))
    index = next(i for i, row in enumerate(rows) if row.pk == obj.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in {"up", "down"} or not 0 <= target < len(rows):
        return False
    rows[index], rows[target] = rows[target], rows[index]
    renumber(rows)
    revision.touch_for(obj)  # renumber writes with queryset updates, which send no signals
    return True


def renumber(rows):
    """Give ``rows`` the orders 0..n-1 in list order, without tripping unique (parent, order) constraints.

    Only rows whose order changes are written (two for a swap in a tidy list), in two
    passes: first out of the way, above every current order, then into place. The second
    pass is a ``save()``, so that the audit trail (core/audit.py) records the new order;
    the first is a transient step nobody needs to see.
    """
    moved = [(position, row) for position, row in enumerate(rows) if row.order != position]
    if not moved:
        return
    model = type(rows[0])
    offset = max(row.order for row in rows) + len(rows) + 1
    for position, row in moved:
        model._default_manager.filter(pk=row.pk).update(order=offset + position)
    for position, row in moved:
        row.order = position
        row.save(update_fields=["order"])


def next_order(siblings):
    last = siblings.aggregate(last=models.Max("order"))["last"]
    return 0 if last is None else last + 1


ADMIN_VERSION_FIELD = "based_on_version"


def admin_stale_message(current):
    """What the admin says when a save is refused: who changed the row and when (as the
    application says it), and what saving again does."""
    if current is None:
        return _("Iemand anders heeft dit intussen verwijderd. Uw wijziging is niet opgeslagen.")
    who, when = last_change(current)
    if who:
        text = _("%(who)s heeft dit intussen gewijzigd (%(when)s).") % {"who": who, "when": when}
    else:
        text = _("Iemand anders heeft dit intussen gewijzigd (%(when)s).") % {"when": when}
    return (
        text
        + " "
        + _(
            "Uw wijziging is niet opgeslagen. Herlaad de pagina om de huidige versie te zien; "
            "wie nu opnieuw opslaat, overschrijft die wijziging."
        )
    )


class VersionedAdminForm(forms.ModelForm):
    """The admin's form of a versioned row: the version it was opened at (hidden), checked on save.

    ``check_unchanged``: the main form of a change page is checked on every save (the admin
    saves it, changed or not); an inline row only when it changed (the formset saves only those).
    A refused form keeps the user's input and moves its hidden version on to the current one,
    so that saving again is a deliberate overwrite, as in the application."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[ADMIN_VERSION_FIELD].initial = self.instance.version
        # Required only for a row that exists: an inline's blank extra row has no version yet.
        self.fields[ADMIN_VERSION_FIELD].required = self.instance.pk is not None

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        seen = cleaned.get(ADMIN_VERSION_FIELD)
        if self.instance.pk is None or seen is None or not (self.check_unchanged or self.has_changed()):
            return cleaned
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if current is None or current.version != seen:
            if current is not None:
                data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict; the stubs say Mapping
                data[self.add_prefix(ADMIN_VERSION_FIELD)] = current.version
                self.data = data
            raise forms.ValidationError(admin_stale_message(current), code="stale")
        return cleaned


_versioned_forms: dict[tuple[type, bool], type] = {}


def versioned_admin_form(form_class, *, check_unchanged):
    key = (form_class, check_unchanged)
    if key not in _versioned_forms:
        _versioned_forms[key] = type(
            f"Versioned{form_class.__name__}",
            (VersionedAdminForm, form_class),
            {"check_unchanged": check_unchanged, "__module__": __name__},
        )
    return _versioned_forms[key]


def claim_in_admin(obj, form, user):
    """Move ``obj``'s version on if it is still at the version its admin form was opened at.

    ``clean()`` has refused a stale form already; this conditional UPDATE closes the gap between
    that check and the save (``StaleEdit``: ``VersionedAdminMixin.changeform_view`` rolls back)."""
    base = form.cleaned_data.get(ADMIN_VERSION_FIELD)
    model = type(obj)
    claimed = model._default_manager.filter(pk=obj.pk, version=base).update(version=models.F("version") + 1)
    if not claimed:
        raise StaleEdit(model._default_manager.filter(pk=obj.pk).first())
    obj.version = base + 1
    obj.updated_by = user


class VersionedFieldsetsMixin(_BaseAdmin):
    """Puts the hidden version into the page: the admin renders only the fields of its fieldsets."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any(ADMIN_VERSION_FIELD in flatten(options.get("fields", ())) for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options.get("fields", ()), ADMIN_VERSION_FIELD]}), *rest]


def flatten(fields):
    for field in fields:
        if isinstance(field, (list, tuple)):
            yield from field
        else:
            yield field


class VersionedInlineMixin(VersionedFieldsetsMixin):
    """An inline of a versioned model: each row carries the version it was opened at. The parent's
    ``VersionedAdminMixin.save_formset`` refuses a stale row and moves the version of each saved one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = versioned_admin_form(self.form, check_unchanged=False)


class VersionedAdminMixin(VersionedFieldsetsMixin, _AdminBase):
    """The Django admin takes part in versioning, as the application's edit forms do.

    The change form carries the version it was opened at; a save based on an older version is
    refused with the application's message (who changed it, when) and nothing is written. Every
    save moves the version on and records the user, so that a form opened in the application
    before it is refused in turn. Inline rows (``VersionedInlineMixin``) are checked and moved on
    the same way, each on its own version; a stale inline delete is refused too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form = versioned_admin_form(self.form, check_unchanged=True)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as stale:  # someone saved between the form's check and the save: all rolled back
            self.message_user(request, admin_stale_message(stale.current), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change:
            claim_in_admin(obj, form, request.user)
        else:
            obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if hasattr(formset.model, "version"):
            deleted = set(map(id, formset.deleted_forms))
            for inline in formset.initial_forms:
                if inline.instance.pk is None:
                    continue
                if id(inline) in deleted:
                    base = inline.cleaned_data.get(ADMIN_VERSION_FIELD)
                    if not formset.model._default_manager.filter(pk=inline.instance.pk, version=base).exists():
                        raise StaleEdit(formset.model._default_manager.filter(pk=inline.instance.pk).first())
                elif inline.has_changed():
                    claim_in_admin(inline.instance, inline, request.user)
            for inline in formset.extra_forms:
                if inline.has_changed() and id(inline) not in deleted:
                    inline.instance.updated_by = request.user
        super().save_formset(request, form, formset, change)
