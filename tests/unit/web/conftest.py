"""The web app on a fresh session store, and the trainer's token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accord.web.server import create_app
from accord.web.tokens import admin_token, csrf_token


@pytest.fixture
def app(tmp_path) -> FastAPI:
    return create_app(tmp_path / "sessions.db")


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def admin(app: FastAPI) -> str:
    return admin_token(app.state.secret)


@pytest.fixture
def csrf(app: FastAPI):
    """The CSRF form token of pages opened with a token."""
    return lambda token: csrf_token(app.state.secret, token)
