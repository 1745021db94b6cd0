"""Schemathesis walks every operation of /api/schema/ with generated input, as an annotator and as an editor.

The one check is `not_a_server_error`: whatever the body, query or path, the API answers with a 2xx, 3xx or
4xx, never a 5xx. Examples per operation are bounded (SCHEMATHESIS_EXAMPLES, 8 by default) so the walk
stays a few minutes in CI; raise it locally for a deeper run:

    SCHEMATHESIS_EXAMPLES=200 .venv/bin/python -m pytest tests/api/test_schemathesis.py

The schema is built in-process by drf-spectacular (the same generator /api/schema/ serves) and the calls go
through Django's WSGI application inside the test's transaction, so each example sees the rows made for it.
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.settings import api_settings
from schemathesis.checks import not_a_server_error

from articles import services
from factcheck.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))

# The walk is about input handling, which does not depend on the database; CI runs it once, on SQLite.
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the schema walk runs once per CI run, on the SQLite pass"
)

# Starting a job that fetches generated URLs would try the network; the fetch guard itself (addresses,
# redirects, sizes) has its own tests in tests/importing against a local server.
NETWORK_OPERATIONS = {("POST", "/api/imports/")}


def _openapi() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


schema = schemathesis.openapi.from_dict(_openapi())
schema.app = application


@pytest.fixture
def persona_tokens(db, alice, erin, make_article, make_claim, mayor):
    """A small desk (an article with a claim by each persona) and a write token for each persona."""
    article = make_article()
    make_claim(article, "tactical retreat", user=alice, speaker=mayor)
    make_claim(article, "1,200 murders", user=erin)
    return {
        user.username: services.create_token(user=user, name="schemathesis", scope="write").plain
        for user in (alice, erin)
    }


@pytest.fixture(autouse=True)
def no_throttling(settings):
    # The walk sends hundreds of calls a minute from one token; the rate limits have their own tests.
    settings.FACTCHECK_API_TOKEN_RATE = "1000000/minute"
    settings.FACTCHECK_API_ADDRESS_RATE = "1000000/minute"
    api_settings.reload()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    # A WSGI request starts and ends by closing old connections, which would close the test's own
    # transaction; Django's test client turns this off around its requests in the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@pytest.mark.parametrize("persona", ["alice", "erin"], ids=["annotator", "editor"])
def test_no_generated_input_makes_a_server_error(case, persona, persona_tokens):
    if (case.method.upper(), case.path) in NETWORK_OPERATIONS:
        pytest.skip("starts a fetch of a generated URL; the fetch guard is tested against a local server")
    case.call_and_validate(
        headers={"Authorization": f"Bearer {persona_tokens[persona]}"},
        checks=[not_a_server_error],
    )
