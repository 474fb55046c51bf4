"""Turn Chinese text into its words (jieba), for the checks that match meaning where whole strings fail.

jieba takes about a second to load its dictionary, so it is imported on the first word asked for, and only
by `review`. It keeps a cache of the dictionary; jieba's own default is the system's temp folder, where it
would outlive the command, so the cache goes to the user's cache folder (XDG_CACHE_HOME, else ~/.cache)
under mubiaobiao/, and where that cannot be made, into a temporary folder removed right after loading."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

# Words that say nothing of what a row is about: units of counting, generic nouns of the form itself.
_EMPTY = frozenset({
    "开展", "进行", "完成", "工作", "情况", "有关", "相关", "各类", "各项", "全年", "年度", "本年", "全面", "进一步",
    "提高", "提升", "加强", "促进", "有效", "维护", "保障", "实现", "达到", "确保", "推进", "人员", "人数", "数量",
    "指标", "项目", "经费", "资金", "按时", "及时", "我县", "全县", "全区", "全市", "社会", "稳定", "和谐", "群众", "人民", "以上", "以下", "以内",
})
_NOT_WORD = re.compile(r"^[\d\W_a-zA-Z]+$")

_tokenizer = None


def _load():
    global _tokenizer
    if _tokenizer is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict…" lines are not the clerk's business
        t = jieba.Tokenizer()
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mubiaobiao"
        try:
            cache.mkdir(parents=True, exist_ok=True)
            if not os.access(cache, os.W_OK):
                raise OSError(cache)
            t.tmp_dir = str(cache)
            t.initialize()
        except OSError:
            with tempfile.TemporaryDirectory(prefix="mubiaobiao-jieba-") as scratch:
                t.tmp_dir = scratch
                t.initialize()
        _tokenizer = t
    return _tokenizer


@lru_cache(maxsize=8192)
def cut(text: str) -> tuple[str, ...]:
    """Every word of the text, finer pieces of long words too (违法犯罪: 违法, 犯罪, 违法犯罪)."""
    return tuple(w for w in _load().cut_for_search(text) if w.strip())


@lru_cache(maxsize=8192)
def meaningful(text: str) -> frozenset[str]:
    """The words that say what the text is about: two characters or more, no numbers, none of _EMPTY."""
    return frozenset(w for w in cut(text) if len(w) >= 2 and w not in _EMPTY and not _NOT_WORD.match(w))


def overlap(a: str, b: str) -> float:
    """The share of a's meaningful words that b has too (0 when a has none)."""
    mine = meaningful(a)
    return len(mine & meaningful(b)) / len(mine) if mine else 0.0


def alike(a: str, b: str) -> float:
    """How alike two texts are in words: shared over all (Jaccard), 1 for the same words."""
    x, y = meaningful(a), meaningful(b)
    return len(x & y) / len(x | y) if x | y else 0.0


@lru_cache(maxsize=8192)
def whole(text: str) -> frozenset[str]:
    """The meaningful words, each as a whole (毕业生, not also 毕业 and 业生): for counting how much two names
    share, where the pieces of one word would count it several times."""
    return frozenset(w for w in _load().lcut(text) if len(w) >= 2 and w not in _EMPTY and not _NOT_WORD.match(w))


def contained(a: str, b: str) -> float:
    """How much of the shorter text's words the other has (1 when one says all the other says and more);
    0 when the shorter has fewer than two words, too few to call two rows the same."""
    x, y = whole(a), whole(b)
    least = min(len(x), len(y))
    return len(x & y) / least if least >= 2 else 0.0
