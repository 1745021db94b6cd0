"""Load the demo desk: one login per role, articles, claims, links and verdicts.

Running it again reuses what is there: users, articles, claims and links are looked up before they
are created, so nothing is duplicated.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import services
from articles.management import demo
from articles.models import Article, Claim, ClaimLink, Verdict


class Command(BaseCommand):
    help = "Load demo users, articles, claims, links and verdicts (local desks only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even with DEBUG off (the demo passwords are public: never on a real desk).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to load demo logins with DEBUG off; pass --allow-production to insist.")
        with transaction.atomic():
            users = self.load_users()
            claims = self.load_articles(users)
            self.load_links(users, claims)
            self.load_verdicts(users, claims)
        self.print_logins()

    def load_users(self) -> dict[str, User]:
        users = {}
        for username, role, password in demo.DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                if role == "admin":
                    user = User.objects.create_superuser(username, f"{username}@example.org", password)
                else:
                    user = User.objects.create_user(username, f"{username}@example.org", password, is_staff=True)
                    user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def load_articles(self, users) -> dict[str, Claim]:
        speakers = {
            key: services.get_or_create_speaker(user=users["annotator"], name=n, description=d, affiliation=a)
            for key, (n, d, a) in demo.DEMO_SPEAKERS.items()
        }
        claims = {}
        for item in demo.DEMO_ARTICLES:
            article = Article.objects.filter(url=item.url).first()
            if article is None:
                name, homepage = demo.DEMO_SOURCES[item.source]
                article = services.create_article(
                    user=users["annotator"],
                    title=item.title,
                    body=item.body,
                    source=services.get_or_create_source(name, homepage, user=users["annotator"]),
                    url=item.url,
                    byline=item.byline,
                    published=datetime.date.fromisoformat(item.published),
                )
            for spec in item.claims:
                claims[spec.key] = self.load_claim(article, spec, speakers, users)
        self.stdout.write(f"Demo articles: {len(demo.DEMO_ARTICLES)}, claims: {len(claims)}")
        return claims

    def load_claim(self, article, spec, speakers, users) -> Claim:
        start = article.body.index(spec.quote)
        existing = Claim.objects.filter(article=article, start=start, quote=spec.quote).first()
        if existing:
            return existing
        return services.create_claim(
            user=users[spec.by],
            article=article,
            start=start,
            end=start + len(spec.quote),
            quote=spec.quote,
            speaker=speakers.get(spec.speaker),
            summary=spec.summary,
            tags=spec.tags,
        )

    def load_links(self, users, claims):
        for from_key, relation, to_key, note, by in demo.DEMO_LINKS:
            if ClaimLink.objects.filter(from_claim=claims[from_key], to_claim=claims[to_key], relation=relation):
                continue
            services.link_claims(
                user=users[by], from_claim=claims[from_key], to_claim=claims[to_key], relation=relation, note=note
            )

    def load_verdicts(self, users, claims):
        """Walk each demo verdict through the real workflow to its demo state (four-eyes included)."""
        from articles import services

        author, editor = users["factchecker"], users["editor"]
        steps = {
            "draft": [],
            "in_review": [("submit", author)],
            "changes_requested": [("submit", author), ("request_changes", editor)],
            "approved": [("submit", author), ("approve", editor)],
            "published": [("submit", author), ("approve", editor), ("publish", editor)],
        }
        for key, state, rating, headline, explanation, evidence in demo.DEMO_VERDICTS:
            claim = claims[key]
            if Verdict.objects.filter(claim=claim).exists():
                continue
            verdict = services.create_verdict(
                user=author,
                claim=claim,
                rating=rating,
                headline=headline,
                explanation=explanation,
                evidence=[{"url": url, "title": title, "note": note} for url, title, note in evidence],
            )
            for name, actor in steps[state]:
                reason = "Please add the source document for the figure." if name == "request_changes" else ""
                verdict = services.run_transition(name, user=actor, verdict=verdict, reason=reason)

    def print_logins(self):
        self.stdout.write(self.style.SUCCESS("\nDemo logins (local desk only):"))
        for username, role, password in demo.DEMO_USERS:
            label = "admin (superuser)" if role == "admin" else role
            self.stdout.write(f"  {label:<18} username: {username:<12} password: {password}")
        self.stdout.write("Open http://127.0.0.1:8000/ (the desk) or http://127.0.0.1:8000/admin/ (the console).\n")
