"""Style and script are cached by browsers: Cache-Control and an ETag, 304 while unchanged."""

from __future__ import annotations

import pytest

from web.app import STATIC_CACHE


@pytest.mark.parametrize("name", ["style.css", "app.js"])
def test_a_static_file_is_cached_and_revalidated_with_its_etag(client_for, name: str):
    client = client_for(None)
    first = client.get(f"/static/{name}")
    assert first.status_code == 200 and first.content
    assert first.headers["cache-control"] == STATIC_CACHE
    etag = first.headers["etag"]
    again = client.get(f"/static/{name}", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == STATIC_CACHE
    other = client.get(f"/static/{name}", headers={"if-none-match": '"not-this-one"'})
    assert other.status_code == 200 and other.content == first.content


def test_a_missing_static_file_is_a_plain_404_without_cache_headers(client_for):
    response = client_for(None).get("/static/nothing-here.css")
    assert response.status_code == 404 and "cache-control" not in response.headers
