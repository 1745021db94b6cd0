"""Review becomes Verdict, the word users see: table, history table, evidence's field, constraint and
index names, and permissions. Every row and history record stays; the role groups keep their grants
because the permission rows themselves are renamed (contenttypes renames the content types)."""

from django.db import migrations

OLD_TO_NEW_CODENAMES = {
    f"{action}_{old}": f"{action}_{new}"
    for old, new in (("review", "verdict"), ("historicalreview", "historicalverdict"))
    for action in ("add", "change", "delete", "view", "submit", "approve", "publish", "correct")
}


def rename_permissions(apps, schema_editor, mapping=OLD_TO_NEW_CODENAMES):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type__app_label="articles", codename__in=mapping):
        new = mapping[permission.codename]
        if Permission.objects.filter(content_type=permission.content_type, codename=new).exists():
            # post_migrate of an earlier run created the new one already: move grants onto it, drop the old.
            target = Permission.objects.get(content_type=permission.content_type, codename=new)
            for group in permission.group_set.all():
                group.permissions.add(target)
            for user in permission.user_set.all():
                user.user_permissions.add(target)
            permission.delete()
            continue
        permission.codename = new
        permission.name = permission.name.replace("historical review", "historical verdict").replace(
            " review", " verdict"
        )
        permission.save(update_fields=["codename", "name"])


def restore_permissions(apps, schema_editor):
    rename_permissions(apps, schema_editor, {new: old for old, new in OLD_TO_NEW_CODENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_search_trigram_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="review", name="review_state_valid"),
        migrations.RemoveConstraint(model_name="review", name="review_rating_valid"),
        migrations.RemoveConstraint(model_name="review", name="review_one_published_per_claim"),
        migrations.RemoveConstraint(model_name="review", name="review_rating_required_after_draft"),
        migrations.RemoveConstraint(model_name="review", name="review_not_correcting_itself"),
        migrations.RenameModel("Review", "Verdict"),
        migrations.RenameModel("HistoricalReview", "HistoricalVerdict"),
        migrations.RenameField(model_name="evidence", old_name="review", new_name="verdict"),
        migrations.RenameField(model_name="historicalevidence", old_name="review", new_name="verdict"),
        migrations.RenameIndex(model_name="verdict", new_name="verdict_state_idx", old_name="review_state_idx"),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
