"""Production static files: the reader's ES modules import each other under their hashed names."""

import re

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

IMPORT = re.compile(r"""^import .* from "(?P<path>[^"]+)";$""", re.M)


def test_it_rewrites_es_module_imports_to_hashed_names(tmp_path):
    storages = settings.STORAGES | {"staticfiles": {"BACKEND": "factcheck.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        # Only this app's files: the admin's and the API browser's would only make the test slow.
        call_command(
            "collectstatic",
            interactive=False,
            verbosity=0,
            ignore_patterns=["admin", "rest_framework", "drf_spectacular_sidecar"],
        )
        main = tmp_path / staticfiles_storage.stored_name("articles/reader/main.js")
        seen, todo = set(), [main]
        while todo:  # walk the import graph through the collected (hashed) files
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            for found in IMPORT.finditer(module.read_text()):
                imported = (module.parent / found["path"]).resolve()
                assert re.search(r"\.[0-9a-f]{12}\.js$", imported.name), f"{module.name} imports {found['path']}"
                assert imported.is_file()
                todo.append(imported)
    assert len(seen) >= 10  # main.js and every module it reaches, textmath.js included
