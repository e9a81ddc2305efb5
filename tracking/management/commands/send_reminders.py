from django.core.management.base import BaseCommand

from tracking.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail each action owner one digest of their overdue actions and those due within N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Also remind of actions due within this many days.")

    def handle(self, *args, days, **options):
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        sent, skipped = send_reminders(days=days)
        self.stdout.write(f"{sent} reminder(s) sent, {skipped} already sent today.")
