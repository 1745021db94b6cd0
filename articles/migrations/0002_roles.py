"""Create the desk's roles as groups with explicit permissions.

Annotator < Fact-checker < Editor; each role has everything of the one before. Object-level rules
(only your own claims, four-eyes approval) are enforced in access.py and workflow.py.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    "view_source", "view_article", "view_speaker", "view_tag", "view_claim", "view_claimlink",
    "view_review", "view_evidence",
]
ANNOTATOR = VIEW_ALL + [
    "add_article", "add_source", "add_speaker", "change_speaker", "add_tag",
    "add_claim", "change_claim", "delete_claim",
    "add_claimlink", "change_claimlink", "delete_claimlink",
]
FACT_CHECKER = ANNOTATOR + [
    "add_review", "change_review", "submit_review",
    "add_evidence", "change_evidence", "delete_evidence",
]
EDITOR = FACT_CHECKER + [
    "change_article", "change_source", "delete_speaker",
    "change_any_claim", "approve_review", "publish_review", "correct_review",
]
ROLES = {"Annotator": ANNOTATOR, "Fact-checker": FACT_CHECKER, "Editor": EDITOR}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions missing for role {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
