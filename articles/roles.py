"""The desk's roles as groups with explicit permissions, in today's permission names.

Annotator < Fact-checker < Editor; each role has everything of the one before. Object-level rules
(only your own claims, four-eyes approval) are enforced in access.py and services/verdicts.py.
Migration 0002 created the groups with the names of its day; `ensure_roles` puts them back as they are
now (tests that flush the database, a desk that lost a group).
"""

VIEW_ALL = [
    "view_source", "view_article", "view_speaker", "view_tag", "view_claim", "view_claimlink",
    "view_verdict", "view_evidence",
]  # fmt: skip
ANNOTATOR = VIEW_ALL + [
    "add_article", "add_source", "add_speaker", "change_speaker", "add_tag",
    "add_claim", "change_claim", "delete_claim",
    "add_claimlink", "change_claimlink", "delete_claimlink",
]  # fmt: skip
FACT_CHECKER = ANNOTATOR + [
    "add_verdict", "change_verdict", "submit_verdict",
    "add_evidence", "change_evidence", "delete_evidence",
]  # fmt: skip
EDITOR = FACT_CHECKER + [
    "change_article", "change_source", "delete_speaker",
    "change_any_claim", "approve_verdict", "publish_verdict", "correct_verdict",
]  # fmt: skip
ROLES = {"Annotator": ANNOTATOR, "Fact-checker": FACT_CHECKER, "Editor": EDITOR}


def ensure_roles() -> None:
    """Create or reset the role groups with exactly their permissions; raise if a permission is missing."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(apps.get_app_config("articles"), verbosity=0)
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions missing for role {name}: {sorted(missing)}")
        group.permissions.set(permissions)
