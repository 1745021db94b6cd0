"""The API's one JSON parser: every malformed body is a 4xx naming the problem, never a 500."""

import pytest
from django.test import override_settings

from articles.api.parsers import MAX_DEPTH

ENDPOINTS = ["/api/claims/", "/api/links/", "/api/verdicts/", "/api/speakers/"]


@pytest.fixture
def api(client, erin):
    client.force_login(erin)
    return client


def post(api, url, body: bytes | str, content_type="application/json"):
    return api.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_refuses_a_body_nested_100000_deep(api, url):
    response = post(api, url, "[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert f"at most {MAX_DEPTH} levels" in response.json()["detail"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_refuses_a_body_one_level_too_deep_but_not_at_the_limit(api, url):
    too_deep = '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    assert post(api, url, too_deep).status_code == 400
    at_limit = '{"a":' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    response = post(api, url, at_limit)
    assert response.status_code == 400  # a valid body for no endpoint, but parsed: the error is about fields
    assert "levels" not in str(response.json())


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_refuses_duplicate_keys(api, url):
    response = post(api, url, '{"summary": "a", "summary": "b"}')
    assert response.status_code == 400
    assert 'Duplicate key "summary"' in response.json()["detail"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_it_refuses_bytes_that_are_not_utf8(api, url):
    response = post(api, url, b'{"summary": "caf\xe9"}')
    assert response.status_code == 400
    assert "not valid UTF-8" in response.json()["detail"]


@pytest.mark.parametrize("body", ["{", '{"a": NaN}', '{"a": Infinity}', "nul", '{"a": 1,}'])
def test_it_refuses_invalid_json_naming_it(api, body):
    response = post(api, "/api/claims/", body)
    assert response.status_code == 400
    assert "Invalid JSON" in response.json()["detail"]


@pytest.mark.parametrize("charset", ["utf-7", "UTF-7", "x-unknown", "utf-16", "latin-1"])
def test_it_answers_415_for_a_charset_other_than_utf8(api, charset):
    response = post(api, "/api/claims/", b"{}", content_type=f"application/json; charset={charset}")
    assert response.status_code == 415
    assert "UTF-8" in response.json()["detail"]


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"', "us-ascii"])
def test_it_reads_utf8_declared_any_way(api, charset):
    response = post(api, "/api/claims/", b"{}", content_type=f"application/json; charset={charset}")
    assert response.status_code == 400
    assert "article" in response.json()["errors"] if "errors" in response.json() else "article" in response.json()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_it_answers_413_for_a_body_over_the_limit(api):
    response = post(api, "/api/claims/", '{"summary": "' + "x" * 2000 + '"}')
    assert response.status_code == 413
    assert "at most 1000 bytes" in response.json()["detail"]
