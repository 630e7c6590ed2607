"""The browser libraries the web app serves itself, so that no page loads anything from
outside the machine:

* **htmx**, taken from its npm package (``htmx.org``, pinned version, checked against the
  registry's sha512 integrity) into ``static/vendor/`` by ``python -m accord.web.vendor``
  (``make setup`` runs it). Pages work without it: every form posts and every page has a
  refresh link; htmx adds live updates.
* **plotly.js**, served from the ``plotly`` Python package's own copy.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

HTMX_VERSION = "2.0.8"
HTMX_TARBALL = f"https://registry.npmjs.org/htmx.org/-/htmx.org-{HTMX_VERSION}.tgz"
HTMX_INTEGRITY = (
    "sha512-fm297iru0iWsNJlBrjvtN7V9zjaxd+69Oqjh4F/"
    "Vq9Wwi2kFisLcrLCiv5oBX0KLfOX/zG8AUo9ROMU5XUB44Q=="
)
VENDOR = Path(__file__).parent / "static" / "vendor"
HTMX = VENDOR / "htmx.min.js"


def plotly_js() -> Path | None:
    """The plotly.js bundle of the installed ``plotly`` package (found, not imported)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "package_data" / "plotly.min.js"
    return path if path.exists() else None


def fetch_htmx(url: str = HTMX_TARBALL, *, timeout: float = 60.0) -> Path:
    """Download htmx's npm package, check its integrity and keep ``dist/htmx.min.js``."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        data = response.read(5_000_000)
    algorithm, _, expected = HTMX_INTEGRITY.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise RuntimeError(f"{url}: integrity check failed")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        member = tar.extractfile("package/dist/htmx.min.js")
        if member is None:
            raise RuntimeError(f"{url}: no dist/htmx.min.js in the package")
        script = member.read()
    VENDOR.mkdir(parents=True, exist_ok=True)
    HTMX.write_bytes(script)
    return HTMX


def main() -> int:
    if HTMX.exists():
        return 0
    try:
        path = fetch_htmx()
    except (OSError, RuntimeError) as exc:
        print(
            f"accord: htmx not fetched ({exc}); pages will work without live updates",
            file=sys.stderr,
        )
        return 0
    print(f"accord: htmx {HTMX_VERSION} -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
