from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from interchange.importer import HasPublishedVersions, import_file
from interchange.parse import parse
from responses.models import ManagementResponse, Membership
from responses.permissions import EVALUATION_STAFF, PROJECT_TEAM, READER
from responses.roles import EVALUATION_STAFF as MAY_START
from responses.roles import ensure_roles

SEED = Path(settings.BASE_DIR) / "responses" / "seed" / "leerecosystemen.yaml"

# Demo accounts only: load_demo refuses to run with DEBUG off.
DEMO_USERS = [
    ("evaluatie", "Eva Luatie", EVALUATION_STAFF, False),
    ("project", "Pieter Project", PROJECT_TEAM, False),
    ("lezer", "Lea Lezer", READER, False),
    ("admin", "Ada Beheer", None, True),
]
DEMO_PASSWORD = "demo-{username}"


class Command(BaseCommand):
    help = "Load the seed response and one demo user per role on it (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never in production).")
        parser.add_argument(
            "--reset", action="store_true", help="Replace the seed response even if it exists (local edits are lost)."
        )

    @transaction.atomic
    def handle(self, *args, force, reset, **options):
        if not settings.DEBUG and not force:
            self.stderr.write("load_demo creates accounts with known passwords; it only runs with DEBUG=1.")
            raise SystemExit(1)
        groups = ensure_roles()
        slug = parse(SEED.read_bytes(), source=str(SEED)).slug
        existing = ManagementResponse.objects.filter(slug=slug).first()
        if existing and not reset:
            # Keep what people changed in the demo; --reset starts over.
            response = existing
            self.stdout.write(f"Seed response kept as it is (use --reset to re-import): /responses/{slug}/")
        else:
            try:
                response = import_file(SEED, replace=True)
            except HasPublishedVersions:
                raise CommandError(
                    f"The demo response '{slug}' has published versions, which are frozen: it is not "
                    "replaced. Withdraw it and import the seed under another slug, or start from an empty database."
                ) from None
            self.stdout.write(f"Seed response imported: {response.title} (/responses/{response.slug}/)")
        User = get_user_model()
        self.stdout.write("Demo logins (username / password, role):")
        for username, full_name, role, is_admin in DEMO_USERS:
            first, last = full_name.split(" ", 1)
            user, _created = User.objects.get_or_create(username=username)
            user.first_name, user.last_name = first, last
            user.email = f"{username}@example.org"
            user.is_staff = user.is_superuser = is_admin
            user.set_password(DEMO_PASSWORD.format(username=username))
            user.save()
            # Roles are per response: each demo user gets theirs on the seed response;
            # evaluation staff may also start responses of their own.
            user.groups.set([groups[MAY_START]] if role == EVALUATION_STAFF else [])
            if role:
                Membership.objects.update_or_create(user=user, response=response, defaults={"role": role})
            label = Membership.Role(role).label if role else "administrator"
            self.stdout.write(f"  {username:<10} / {DEMO_PASSWORD.format(username=username):<16} {label}")
