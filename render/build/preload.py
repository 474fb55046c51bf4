"""Turn nothing into a warm worker: imports, compiled templates and parsed C types, made once in the
fork server.

Only what is safe to fork: modules, Jinja templates, cffi's parsed declarations. Nothing touches
fontconfig or Pango here; that state is made in each worker after the fork (docs/weasyprint.md).
"""

# First: it imports WeasyPrint without the slow library search (render/typeset/layout.py).
from render.typeset import layout  # noqa: F401

# isort: split
from weasyprint.text.ffi import ffi

from render.build import tasks
from render.typeset import fonts, paginate  # noqa: F401

for _name in ("project.html.j2", "volume.html.j2"):
    tasks.environment().get_template(_name)
# The faces' advance widths, which size the tables' columns (render/typeset/markup.py): 0.3 s to read.
for _bold in (False, True):
    fonts._advances(_bold)
# cffi parses a C type the first time it is used, ~13 ms each: these are the ones every table needs.
for _type in ("FcChar8 **", "PangoFcFontMap *", "PangoLogAttr[]", "PangoRectangle *", "char[4]", "char[]",
              "hb_tag_t[100]", "unsigned int *"):
    ffi.typeof(_type)
