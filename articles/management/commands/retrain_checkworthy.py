"""Retrain the check-worthiness model from the desk's own work (claims are positives, the unclaimed sentences
of annotated articles weak negatives) and store it as a new version, scored by cross-validation."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import services, tasks


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--activate", action="store_true", help="make the new version live at once")
        parser.add_argument("--background", action="store_true", help="queue the training for a worker instead")

    def handle(self, *args, activate=False, background=False, **options):
        if background:
            tasks.retrain_checkworthy_model(None, activate)
            self.stdout.write("Retraining queued; the new version appears in admin (Check-worthiness models).")
            return
        try:
            row = services.retrain_checkworthy(activate=activate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Version {row.version} trained on {row.n_samples} sentences ({row.n_positive} claimed): "
            f"desk F1 {row.desk_f1:.3f} (precision {row.desk_precision:.3f}, recall {row.desk_recall:.3f}, "
            f"5-fold cross-validation); the shipped model scores F1 {row.shipped_f1:.3f} on the same data. "
            + ("It is live." if row.live or activate else "Make it live in admin, or run again with --activate.")
        )
