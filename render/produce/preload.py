"""Turn nothing into a warm worker: imports, compiled templates and parsed C types, made once in the
fork server.

Only what is safe to fork: modules, Jinja templates, cffi's parsed declarations. Nothing touches
fontconfig or Pango here; that state is made in each worker after the fork (docs/weasyprint.md).
"""

import gc
import os
import shutil
import signal
import sys

from render import state
from render.produce import workers


def _killed(signum, frame) -> None:
    """The command that started this fork server has ended (PR_SET_PDEATHSIG), however it ended: take its
    temp folder along, and the workers go with this process (each has its own PR_SET_PDEATHSIG).

    A worker forked from here has this handler until its initializer resets it: one terminated that early
    (a broken pool ends its other workers) just ends, and leaves the fork server's socket where it is."""
    if os.getpid() != _SERVER:
        os._exit(128 + signum)
    folder = state.read(state.SCRATCH)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(0)


def _quiet(kind, value, tb) -> None:
    """A worker that could not start (its command was interrupted meanwhile) fails its job, which the
    command reports; its traceback is shown only with --debug."""
    if state.debug():
        sys.__excepthook__(kind, value, tb)


_SERVER = os.getpid()
signal.signal(signal.SIGTERM, _killed)
if not workers.die_with_parent(signal.SIGTERM):  # the command was killed while this server started
    _killed(signal.SIGTERM, None)
state.write(state.PARENT, str(_SERVER))  # the workers forked from here die with it
sys.excepthook = _quiet

# isort: split
# First of the rest: it imports WeasyPrint without the slow library search (render/typeset/layout.py).
from render.typeset import layout  # noqa: E402, F401

# isort: split
from render.produce import outputs, tasks  # noqa: E402
from render.typeset import fonts, paginate, weasy  # noqa: E402, F401

for _name in ("base.html.j2", *outputs.templates()):  # base: the page every template extends
    tasks.environment().get_template(_name)
# cffi parses a C type the first time it is used, ~13 ms each: these are the ones every table needs.
weasy.warm_c_types(("FcChar8 **", "PangoFcFontMap *", "PangoLogAttr[]", "PangoRectangle *", "char[4]", "char[]",
                    "hb_tag_t[100]", "unsigned int *"))
weasy.warm_array_types("hb_codepoint_t", fonts.glyph_count())

# Last: what the server has made is shared with every worker it forks, page by page, until written to. The
# collector's first full pass in a worker would walk, and so copy, all of it: 0.03 s of each worker's first
# table, and the memory of each. Frozen, it is left out of every collection in the workers.
gc.freeze()
