from django.db import migrations, models
from django.db.models import Q


def blank_non_http_urls(apps, schema_editor):
    """Blank stored URLs that are not http(s) so the new checks can be added.

    Such a URL (e.g. `javascript:...`) could only have come in around the form validators (loaddata,
    QuerySet.update(), raw imports) and is unsafe to print as a link; the title or name stays, so the
    row loses only the link. Evidence.url already had its check, so no evidence row needs cleaning.
    """
    http = {"http://", "https://"}
    for model_name, field in (("Article", "url"), ("Source", "homepage")):
        model = apps.get_model("articles", model_name)
        keep = Q(**{field: ""})
        for prefix in http:
            keep |= Q(**{f"{field}__startswith": prefix})
        model.objects.exclude(keep).update(**{field: ""})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_api_tokens"),
    ]

    operations = [
        migrations.RunPython(blank_non_http_urls, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("url__startswith", "http://"), ("url__startswith", "https://"), ("url", ""), _connector="OR"
                ),
                name="article_url_http",
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("homepage__startswith", "http://"),
                    ("homepage__startswith", "https://"),
                    ("homepage", ""),
                    _connector="OR",
                ),
                name="source_homepage_http",
            ),
        ),
    ]
