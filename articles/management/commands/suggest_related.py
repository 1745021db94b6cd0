"""python manage.py suggest_related [--claim ID ...]

Embeds every live claim that has no vector of the installed model yet (a fresh install with claims, or after
upgrading the model package), then suggests related claims for them, as the queue does after each save.
With --claim, only those claims are (re)considered. Suggestions are stored for people to accept or dismiss.
"""

from django.core.management.base import BaseCommand

from articles import services
from articles.services import related


class Command(BaseCommand):
    help = "Embed the claims the related-claims model has not seen and store their related-claim suggestions."

    def add_arguments(self, parser):
        parser.add_argument("--claim", type=int, action="append", default=[], help="only this claim (repeatable)")

    def handle(self, *args, claim, **options):
        ids = claim or related.embed_missing()
        self.stdout.write(f"{len(ids)} claim(s) to consider")
        stored = 0
        for claim_id in ids:
            stored += len(services.suggest_related(claim_id))
        self.stdout.write(f"{stored} suggestion(s) stored or refreshed")
