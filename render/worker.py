"""Turn nothing into a warm worker: the imports a rendering process needs, done once in the fork server."""

import pikepdf  # noqa: F401
import weasyprint  # noqa: F401

from . import assemble, html, paginate, pdf  # noqa: F401
