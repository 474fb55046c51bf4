"""Turn nothing into a warm worker: imports and compiled templates, made once in the fork server.

Only what is safe to fork: modules and Jinja templates. Nothing touches fontconfig or Pango here; that
state is made in each worker after the fork (WEASYPRINT.md).
"""

import pikepdf  # noqa: F401
import weasyprint  # noqa: F401

from . import assemble, build, cli, html, paginate, pdf  # noqa: F401

for _name in ("project.html.j2", "volume.html.j2"):
    build._environment().get_template(_name)
