from django.core.management.base import BaseCommand

from responses.roles import ensure_roles


class Command(BaseCommand):
    help = "Create or update the role groups (evaluation staff, project team, readers) and their permissions."

    def handle(self, *args, **options):
        for name, group in ensure_roles().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
