"""The PostgreSQL side of the tests: a fresh schema per test on the server in ``PMPO_TEST_DATABASE_URL``.

``make test`` (``scripts/with-postgres``) starts a throwaway server and sets the variable; without it the
tests that need PostgreSQL are skipped with :data:`SKIP_REASON`. Each test gets its own schema (a
``search_path`` in the URL), dropped afterwards, so tests never see each other's rows and no server
restart is needed between them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

URL_ENV = "PMPO_TEST_DATABASE_URL"
SKIP_REASON = (
    f"PostgreSQL tests need {URL_ENV}: `make test` starts a throwaway server when Debian's postgresql "
    "package is installed (scripts/with-postgres); CI always has one"
)


def server_url() -> str | None:
    return os.environ.get(URL_ENV) or None


def require_server() -> str:
    """The server's URL, or skip the calling test saying how to get one."""
    url = server_url()
    if url is None:
        pytest.skip(SKIP_REASON)
    return url


def with_search_path(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}"


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    """A URL whose tables live in a new, empty schema; the schema is dropped on exit."""
    import asyncpg

    url = require_server()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        try:
            yield with_search_path(url, schema)
        finally:
            await admin.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await admin.close()
