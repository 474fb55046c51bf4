"""Turn the name of a shipped folder (templates, styles, schemes, rules) into its path, in a checkout or a wheel.

In a checkout the folders sit beside render/, where a clerk and a reviewer find them; a wheel (pyproject.toml's
package-dir) carries them inside the package, as render/templates and so on, where importlib.resources finds
them whether the package was installed by pip, pipx or bundled by PyInstaller. Every path to them is made here.
"""

from importlib.resources import files
from pathlib import Path

# A folder on disk: WeasyPrint, Jinja2 and lxml read files by name (a zipped package is not supported).
PACKAGE = Path(str(files("render"))).resolve()
# The folder that holds render/: a checkout's top, or site-packages.
ROOT = PACKAGE.parent


def folder(name: str) -> Path:
    """The shipped folder of that name: inside the installed package, or beside render/ in a checkout."""
    inside = PACKAGE / name
    return inside if inside.is_dir() else ROOT / name


TEMPLATES = folder("templates")
STYLES = folder("styles")  # and the only files a PDF may fetch (render/typeset/layout.py)
SCHEMES = folder("schemes")
RULES = folder("rules")
LOCALE = PACKAGE / "commands" / "locale"
# The folders whose files shape the PDFs: a change in any of them invalidates the build cache.
CODE = (PACKAGE, TEMPLATES, STYLES)
