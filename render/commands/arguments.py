"""Turn argparse's English into the clerk's Chinese: a parser whose usage, help and errors say what was typed
and what is allowed, and exit with the code for a command line that cannot run."""

from __future__ import annotations

import argparse
import difflib
import re
import sys

from render.problems import Exit


class Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

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

    def error(self, message: str):
        self.refuse(chinese(message))

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


# argparse's messages (Python 3.11), each with what the clerk reads instead.
_MESSAGES = [
    (r"argument (?P<arg>\S+): invalid choice: '(?P<value>[^']*)' \(choose from (?P<choices>.*)\)",
     lambda m: invalid_choice(m["value"], re.findall(r"'([^']*)'", m["choices"]), m["arg"])),
    (r"unrecognized arguments: (?P<args>.*)", lambda m: f"不认识的参数：{m['args']}（加 -h 查看可用的参数）"),
    (r"the following arguments are required: (?P<args>.*)", lambda m: f"缺少参数：{m['args']}"),
    (r"argument (?P<arg>\S+): invalid (?P<type>\w+) value: '(?P<value>[^']*)'",
     lambda m: f"参数 {m['arg']} 的值“{m['value']}”不是{'整数' if m['type'] == 'int' else '有效的值'}"),
    (r"argument (?P<arg>\S+): expected one argument", lambda m: f"参数 {m['arg']} 后面需要写一个值"),
    (r"argument (?P<arg>\S+): expected at least one argument", lambda m: f"参数 {m['arg']} 后面至少需要写一个值"),
    (r"argument (?P<arg>\S+): ignored explicit argument '(?P<value>[^']*)'",
     lambda m: f"参数 {m['arg']} 不接受值（“{m['value']}”）"),
    (r"ambiguous option: (?P<opt>\S+) could match (?P<matches>.*)",
     lambda m: f"参数 {m['opt']} 不明确，可能是 {m['matches']}"),
]


def chinese(message: str) -> str:
    for pattern, say in _MESSAGES:
        found = re.fullmatch(pattern, message)
        if found:
            return say(found)
    return message  # one we have not met: argparse's own words rather than none


def invalid_choice(value: str, choices: list[str], what: str = "命令") -> str:
    """“bild” is not one of them: say which there are, and the one probably meant."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
    hint = f"；是否应为 {close[0]}？" if close else ""
    what = "命令" if what in ("command", "命令") else f"参数 {what} 的值"
    return f"不认识的{what}“{value}”：可用的有 {'、'.join(choices)}{hint}"
