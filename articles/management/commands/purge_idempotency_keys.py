"""Delete Idempotency-Keys older than a day (each user's are also purged whenever they send a new one)."""

from django.core.management.base import BaseCommand

from articles import services


class Command(BaseCommand):
    help = "Delete stored Idempotency-Keys older than 24 hours; run it daily (cron) to keep the table small."

    def handle(self, *args, **options):
        removed = services.idempotency.purge_expired()
        self.stdout.write(f"{removed} expired idempotency key(s) deleted.")
