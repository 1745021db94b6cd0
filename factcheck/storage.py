"""Static files storage for production: whitenoise's compressed, hashed files, with ES module imports rewritten.

The reader's scripts are ES modules that import each other by relative path (`./api.js`). Django rewrites those
imports to the hashed names when asked to, so every module is served under its hashed name, cached forever, and a
deploy never mixes a new module with an old one still in a browser's cache.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
