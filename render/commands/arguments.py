"""Turn argparse's English into the clerk's Chinese: a parser whose usage, help and errors say what was typed
and what is allowed, and exit with the code for a command line that cannot run.

argparse passes every message through gettext (`from gettext import gettext as _`, looked up in its module
at each message); the catalog is ours, `locale/argparse.zh_CN.po`, given to argparse only while one of our
parsers works, whatever the machine's language, and taken back after."""

from __future__ import annotations

import argparse
import ast
import difflib
import gettext
import sys
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from render.problems import Exit
from render.resources import LOCALE


CATALOG = LOCALE / "argparse.zh_CN.po"


class Catalog(gettext.NullTranslations):
    """A .po file's messages, read as it is: no compiled .mo to keep in step with it."""

    def __init__(self, path: Path):
        super().__init__()
        self.messages = {k: v for k, v in _entries(path.read_text(encoding="utf-8")) if k and v}

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def _entries(text: str):
    """(msgid, msgstr) pairs of a .po file whose strings are one quoted line each, or continued lines."""
    key = value = None
    target = None
    for line in text.splitlines() + [""]:
        line = line.strip()
        if line.startswith("msgid "):
            if key is not None:
                yield key, value
            key, value, target = _unquote(line[6:]), "", "key"
        elif line.startswith("msgstr "):
            value, target = _unquote(line[7:]), "value"
        elif line.startswith('"') and target == "key":
            key += _unquote(line)
        elif line.startswith('"') and target == "value":
            value += _unquote(line)
    if key is not None:
        yield key, value


def _unquote(text: str) -> str:
    """A .po string's text: its escapes (\\n, \\") are a Python string literal's."""
    return ast.literal_eval(text.strip()) if text.strip() else ""


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return Catalog(CATALOG)


@contextmanager
def chinese():
    """argparse's messages from our catalog while a parser works; argparse as it was after."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = catalog().gettext, catalog().ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def whole(text: str) -> int:
    return int(text)


whole.__name__ = "整数"  # argparse names a value's type by its __name__: “的值“x”不是整数”


class Formatter(argparse.RawDescriptionHelpFormatter):
    def _format_action(self, action):
        text = super()._format_action(action)
        if action.nargs == argparse.PARSER:  # the commands' list, without a line repeating its metavar
            text = text.split("\n", 1)[1]
        return text


class Parser(argparse.ArgumentParser):
    """An ArgumentParser in Chinese: its options under 选项, its -h/--help and its errors translated."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.arguments = self.add_argument_group("参数")
        self.options = self.add_argument_group("选项")
        self.options.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def parse_known_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese():
            return super().format_help()

    def error(self, message: str):
        self.refuse(message)  # in Chinese already: argparse made it from our catalog

    def refuse(self, said: str):
        """A command line that cannot run, said in Chinese: usage, the reason, exit 2."""
        self.print_usage(sys.stderr)
        self.exit(Exit.CANNOT, f"{self.prog}：错误：{said}\n")

    def unrecognized(self, extra: list[str]) -> str:
        """What was typed that this command does not take, and the option probably meant."""
        options = [o for o in self._option_string_actions if o.startswith("--")]
        close = [m for a in extra if a.startswith("--")
                 for m in difflib.get_close_matches(a.partition("=")[0], options, n=1, cutoff=0.6)]
        hint = f"；是否应为 {'、'.join(dict.fromkeys(close))}？" if close else ""
        return f"不认识的参数：{' '.join(extra)}{hint}（加 -h 查看可用的参数）"


def invalid_choice(value: str, choices: list[str], what: str = "命令") -> str:
    """“bild” is not one of them: say which there are, and the one probably meant."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    hint = f"；是否应为 {close[0]}？" if close else ""
    what = "命令" if what in ("command", "命令") else f"参数 {what} 的值"
    return f"不认识的{what}“{value}”：可用的有 {'、'.join(choices)}{hint}"
