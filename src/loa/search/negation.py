"""Negation awareness: a statement and its denial share almost every word, so every retrieval stage scores
them as near-duplicates. :func:`contradicts` tells them apart by what each one negates.

Each clause is read left to right. A negator ("không", "chưa", "chẳng"...) negates the next content word,
its head, passing over auxiliaries ("được", "thể", "cần"...); a verb of prevention ("phòng", "ngăn ngừa",
"chống"...) negates its own head the same way, so "phòng lây nhiễm" and "không lây nhiễm" agree, and a negated
prevention ("không ngăn được lây nhiễm") asserts its head. Two texts contradict each other when a word both
contain is negated in one and asserted in the other ("không gây vô sinh" / "gây vô sinh"). When no shared
word tells, the number of denials in the clauses that speak of the same things decides, as a fallback
("Không có bằng chứng vắc xin gây vô sinh")."""

from __future__ import annotations

import re

from loa import text as vn
from loa.search.analysis import syllables

# Negators as written with diacritics; text typed without them is matched on folded forms, where
# "chua" may also be "chữa" (to cure): unaccented "chua" before khỏi/trị/bệnh/lành is read as a cure.
ACCENTED = {"không", "chẳng", "chả", "chưa", "hổng", "hông", "hem", "đừng", "cấm"}
NEGATORS = {"khong", "chang", "chua", "ko", "k", "kg", "hok", "hong", "hem", "khg", "kh", "ch"}
_CURE_NEXT = {"khoi", "tri", "benh", "lanh"}
# ... and before what a thing holds it is "chứa" (contains): "vx chua virus", "chua chat doc".
_CONTAINED = {"virus", "vi", "chat", "kim", "thuy", "hat", "chip", "mrna", "doc", "gen"}
# "không thì", "không là bị lây": otherwise.
_OTHERWISE = ({"thi"}, {"la"}, {"bi", "mac", "nhiem", "dinh", "lay", "chet"})
# Rhetorical negations, read as "không": "đâu có chữa được", "làm gì có vi chip", "đâu phải".
_RHETORICAL = re.compile(r"\b(?:làm gì có|lam gi co|đâu có|dau co|đâu phải|dau phai)\b", re.IGNORECASE)
# "cần gì chích ngừa nữa", "sợ gì covid": no need, no fear.
_WHAT_FOR = re.compile(r"\b(cần|sợ|lo)\s+(?:gì|chi)\b(?=\s+\w)", re.IGNORECASE)
# "trẻ em có bị nhiễm đâu": "có ... đâu" without a negator is one.
_HAS_NOT = re.compile(
    r"(?<!không )(?<!hổng )(?<!hông )(?<!chẳng )(?<!chưa )(?<!chả )"
    r"\bcó\s+((?:(?!không|chẳng|chưa|đâu)\w+\s+){1,5}?)đâu\b",
    re.IGNORECASE,
)
# "khỏi" before a verb means "no need to" ("khỏi đeo khẩu trang"); before a disease it means recovered.
_KHOI_VERBS = {
    "deo",
    "chich",
    "tiem",
    "lo",
    "so",
    "can",
    "phai",
    "mang",
    "rua",
    "di",
    "uong",
    "xet",
    "cach",
    "gian",
    "bi",
    "lay",
    "mac",
    "nhiem",
    "sat",
    "khai",
}
# Words that debunk what they speak of: a text with one of them corrects a claim, it does not spread it.
DEBUNKS = (
    "là sai",
    "tin sai",
    "tin giả",
    "tin đồn",
    "thất thiệt",
    "sai sự thật",
    "bịa đặt",
    "tào lao",
    "hoang đường",
    "nhảm nhí",
    "vô căn cứ",
    "không có cơ sở",
    "không có bằng chứng",
    "chưa có bằng chứng",
    "chưa được chứng minh",
    "không được chứng minh",
    "chưa có nghiên cứu",
    "chưa nghiên cứu nào",
    "ngộ nhận",
    "lầm tưởng",
    "hiểu lầm",
    "không đúng sự thật",
    "tin nhảm",
    "không chứng minh",
    "không có nghĩa là",
    "không đồng nghĩa",
    "đều sai",
    "cũng sai",
    "sai bét",
    "giả mạo",
    "ăn thua",
    "chẳng giúp gì",
    "không giúp gì",
    "không có tác dụng",
    "chẳng có tác dụng",
    "vô tác dụng",
    "không hiệu quả",
    "chưa được công nhận",
    "không được công nhận",
    "không phải chỉ",
    "đừng tin",
    "đừng có tin",
    "chớ tin",
    "không nên tin",
    "đừng nghe theo",
    "đừng làm theo",
    "làm gì có chuyện",
    "không có chuyện",
    "chẳng có chuyện",
    "đâu có chuyện",
    "không hề có chuyện",
    "chẳng chứng minh",
    "chả chứng minh",
    "chẳng nói lên",
    "không nói lên",
    "chẳng có nghĩa là",
)
_DEBUNK = re.compile(
    r"\b(?:"
    + "|".join(sorted({d for x in DEBUNKS for d in (x, vn.strip_diacritics(x))}, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)
# question endings whose "không/chưa" asks rather than denies: "... có ... không?", "... được không?"
_QUESTION_TAIL = ("khong", "chua", "ko", "k", "hok", "hong", "hem", "khg")
_WORDS_IGNORED = {"a", "vay", "nhi", "nha", "the", "ha", "ah", "nhe", "ne"}

# Passed over on the way to a negator's head (folded): modal and aspect words, intensifiers.
AUXILIARIES = {
    "duoc",
    "dc",
    "the",
    "co",
    "phai",
    "he",
    "can",
    "nen",
    "bi",
    "lam",
    "tung",
    "dam",
    "hoan",
    "toan",
    "tuyet",
    "doi",
    "chac",
    "chan",
    "hau",
    "nhu",
    "cung",
    "van",
    "da",
    "se",
    "dang",
    "moi",
    "chi",
    "thuc",
    "su",
    "di",
    "ai",
    "noi",
}
# End a negator's reach: conjunctions and the copula.
_BOUNDARIES = {"thi", "la", "ma", "va", "nhung", "nen", "vi", "de", "hay", "hoac", "voi", "neu", "khi", "roi"}
# Verbs of prevention (and of killing: "diệt virus" ~ "virus không lây"), as written with diacritics, and the
# folded forms accepted in text typed without them (with the words that must come before or after, since
# "phong", "ngan", "chong" and "tranh" fold from other words too).
PREVENT = {"phòng", "ngừa", "ngăn", "chặn", "chống", "tránh", "diệt", "giết", "thoát"}
_PREVENT_FOLDED = {
    "phong": None,
    "ngua": {"phong", "ngan"},
    "ngan": None,
    "chan": {"ngan"},
    "chong": None,
    "tranh": None,
    "diet": None,
    "giet": None,
    "thoat": None,
}
_PREVENT_OBJECTS = {
    "lay",
    "nhiem",
    "covid",
    "virus",
    "corona",
    "dich",
    "benh",
    "ngua",
    "chan",
    "tranh",
    "chong",
    "duoc",
    "dc",
    "mac",
    "sars",
    "cov",
    "cum",
    "f0",
    "tu",
    "vong",
    "ca",
    "tre",
    "nguoi",
}
# xà phòng (soap), văn phòng (office), tiêm ngừa (to vaccinate)...
_NOT_PREVENT_BEFORE = {"xa", "van", "can", "buong", "giai", "tiem", "chich"}
_CLAUSE = re.compile(r"[.;!?\n,:()]+|\s[-–]\s|\s(?:và|nhưng|mà|va|nhung|ma)\s", re.IGNORECASE)
_STOP = {"thi", "la", "ma", "va", "cua", "nay", "do", "day", "nhe", "nha", "roi", "luon", "oi", "a", "cho"}
# The same words as written with diacritics: in such text "vi" (vi rút, vi chip), "khí" or "độ" are no breaks.
_VI_NOUNS = {"rut", "rus", "chip", "khuan", "mach", "sinh", "luong"}  # vi rút, vi chip... typed without diacritics
_BREAKS_WRITTEN = {
    "thì",
    "là",
    "mà",
    "và",
    "nhưng",
    "nên",
    "vì",
    "để",
    "hay",
    "hoặc",
    "với",
    "nếu",
    "khi",
    "rồi",
    "của",
    "này",
    "do",
    "đó",
    "đây",
    "nhé",
    "nha",
    "luôn",
    "ơi",
    "à",
    "cho",
}
# "không sợ (bị) covid", "khỏi lo covid", "không cho virus vào": kept from it, like a verb of prevention.
_FEAR = {"so", "lo", "ngai", "cho"}
_FEAR_WRITTEN = {"sợ", "lo", "ngại", "cho"}
# "bỏ khẩu trang", "tháo khẩu trang": not wearing it.
_DISCARD = {"bỏ", "vứt", "tháo", "cởi", "quăng", "cất", "vut", "bo", "thao", "cat"}
# "đi chích ngừa chi nữa", "bịt mặt chi cho mệt": why bother, i.e. no need to.
_WHY_BOTHER = re.compile(
    r"^(.*(?:^|\s)(?:thì|thi|là|mà)\s+)?(?!khỏi|khoi|không|khong|ko|đừng)([^,.;!?]+?)\s+chi\s+"
    r"(?:nữa|nua|cho\s+(?:mệt|met|tốn|ton|cực|cuc|uổng))(?!\w)",
    re.IGNORECASE,
)
# "khẩu trang (thì) vứt đi": the object put first, read as "vứt khẩu trang".
_FRONTED_DISCARD = re.compile(
    r"\b(khẩu trang|khau trang)\s+(?:(?:thì|thi|cứ|cu|tui|tôi|mình|minh|tao|em)\s+)?"
    r"(bỏ|vứt|tháo|cởi|quăng|cất|vut|bo|thao|cat)\b",
    re.IGNORECASE,
)
# "khó có con", "hiếm con", "hết đẻ được": hardly or no more, read as a negation.
_HARDLY = {"kho": {"co"}, "hiem": {"co", "con"}, "het": {"co", "de"}}
# "mạnh hơn vắc xin": what follows "hơn" is the standard of comparison, not asserted ("hơn 90%" is a number).
_NOT_COMPARED_AFTER = {"", "co", "la", "duoc", "dc"}
_QUANTITIES = {"nua", "mot", "hai", "ba", "bon", "nam", "muoi", "tram", "ngan", "nghin", "trieu", "het"}
# Being infected, one word: "không bị" at the end of a clause, "mắc", "nhiễm", "dính".
_INFECTED = {"mac", "nhiem", "dinh"}
# "miễn nhiễm", "miễn dịch với": immune, i.e. not infected.
_IMMUNE = ("mien", "nhiem")
# What follows "nếu", "khi", "lỡ", "hồi/lúc (dính)..." is supposed, not asserted, until the clause goes on.
_IF = {"neu", "khi"}
_IF_WRITTEN = {"lỡ"}
_IF_BEFORE_INFECTION = ({"hồi", "lúc"}, {"dinh", "bi", "mac", "nhiem"})
# "chỉ người già mới mắc", "covid chỉ bắt người già": a restriction, not an assertion about everyone.
_ONLY_BEFORE = {"bat", "danh", "tan", "nguoi", "ong", "ba", "nhung"}
_PEOPLE = {"nguoi", "ong", "ba", "may", "nhung", "cac", "tre", "gia"}
# Verbs of cure, spelled "trị" by callers (loa.claims.matching): a cure denied answers a kill or prevention claim.
CURE = {"tri"}
# Epidemic words, one meaning for telling whether two clauses speak of the same thing.
_EPIDEMIC = {"covid", "corona", "virus", "sars", "cov", "ncov", "19", "vi", "rut", "vy"}
_EPIDEMIC_WORD = "covid"


def _tokens(text: str, written: bool) -> list[str]:
    """Folded syllables, with every negator replaced by the marker "khong" and every other word that merely
    folds like a negator or a break (chữa → chua, vi rút → vi) kept apart as "~word"; a verb of prevention
    becomes "+word". ``written``: the whole text is written with diacritics."""
    accented = syllables(plain(text))
    folded = [vn.fold(a) for a in accented]
    out = []
    fear_at = -1
    for i, (acc, tok) in enumerate(zip(accented, folded)):
        following = folded[i + 1] if i + 1 < len(folded) else ""
        previous = folded[i - 1] if i else ""
        if acc != tok:  # written with diacritics: only the real negators count
            negates = acc in ACCENTED or (acc == "khỏi" and following in _KHOI_VERBS and previous != "chua")
            prevents = (
                acc in PREVENT
                and previous not in _NOT_PREVENT_BEFORE
                or (acc == "đỡ" and following in _PREVENT_OBJECTS)
            )
        else:
            negates = (tok in NEGATORS and not (tok == "chua" and following in _CURE_NEXT | _CONTAINED)) or (
                tok == "khoi" and following in _KHOI_VERBS and previous != "chua"
            )
            after = _PREVENT_FOLDED.get(tok, ())
            prevents = (
                tok in _PREVENT_FOLDED
                and previous not in _NOT_PREVENT_BEFORE
                and (previous in after if after else following in _PREVENT_OBJECTS)
            )
        if i == fear_at:
            out.append("+" + tok)
            continue
        if acc == "đâu" or acc == tok == "dau" and following in _BOUNDARIES | _STOP | {""}:
            continue  # the emphatic "không ... đâu"
        if negates and (
            following in _OTHERWISE[0]
            or following in _OTHERWISE[1]
            and folded[i + 2 : i + 3]
            and folded[i + 2] in _OTHERWISE[2]
        ):
            negates = False  # "otherwise"
        if negates and _fear(accented, folded, i + 1):
            fear_at = i + 1  # the negator is dropped, the fear verb prevents
            continue
        immune = (tok, following) == _IMMUNE or (
            (tok, following) == ("mien", "dich") and folded[i + 2 : i + 3] == ["voi"]
        )
        hardly = following in _HARDLY.get(tok, ()) and (acc != tok or not written)
        compared = (
            tok == "hon"
            and previous not in _NOT_COMPARED_AFTER
            and following not in _QUANTITIES
            and not (following[:1].isdecimal())
        )
        if negates or immune or hardly or acc in _DISCARD and following == "khau":
            out.append("khong")
        elif compared or acc in _IF_WRITTEN or acc in _IF_BEFORE_INFECTION[0] and following in _IF_BEFORE_INFECTION[1]:
            out.append("?" + tok)
        elif prevents:
            out.append("+" + tok)
        elif (
            tok in NEGATORS
            or tok in _BOUNDARIES | _STOP
            and (acc not in _BREAKS_WRITTEN if written else tok == "vi" and following in _VI_NOUNS)
        ):
            out.append("~" + tok)
        else:
            out.append(tok)
    return out


def plain(text: str) -> str:
    """A clause with its rhetorical turns said plainly: "đâu có" → "không", "X chi nữa", "cần gì X" → "không
    cần X", "có bị đâu" → "không bị", "khẩu trang vứt đi" → "vứt khẩu trang"."""
    text = _WHAT_FOR.sub(r"không \1", _RHETORICAL.sub("không", text))
    text = _FRONTED_DISCARD.sub(r"\2 \1", _HAS_NOT.sub(r"không \1", text))
    return "".join(
        _WHY_BOTHER.sub(lambda m: (m.group(1) or "") + "không cần " + m.group(2), part)
        for part in re.split(r"([,.;!?\n]+\s*)", text)
    )


def _fear(accented: list[str], folded: list[str], j: int) -> bool:
    """A verb of fear at ``j``: "sợ" as written, or "so"/"lo" typed without diacritics before what one fears."""
    if j >= len(folded) or folded[j] not in _FEAR:
        return False
    if folded[j] == "cho":  # "không cho (nó) vào"
        return j + 1 < len(folded)
    if accented[j] != folded[j]:
        return accented[j] in _FEAR_WRITTEN
    return j + 1 < len(folded) and folded[j + 1] in _PREVENT_OBJECTS | {"bi"}


def _strip_question(tokens: list[str], raw: str) -> list[str]:
    """Drop the question-final negator ("có gây vô sinh không?", "... hay không", "... phải không")."""
    toks = list(tokens)
    while toks and toks[-1] in _WORDS_IGNORED:
        toks.pop()
    if toks and toks[-1] in _QUESTION_TAIL and ("co" in toks[:-1] or "?" in raw or len(toks) > 1):
        toks.pop()
        if toks and toks[-1] in {"hay", "phai", "duoc", "roi", "hoac"}:
            toks.pop()
    return toks


def _clauses(text: str) -> list[tuple[str, list[str]]]:
    """Each clause of ``text`` with its tokens, question-final negators dropped."""
    out = []
    written = vn.strip_diacritics(text) != text
    for clause in _CLAUSE.split(text):
        toks = _strip_question(_tokens(clause, written), clause + ("?" if "?" in text else ""))
        if toks:
            out.append((clause, toks))
    return out


ASSERTED, NEGATED, PREVENTED, IN_SCOPE, SUPPOSED = "+", "-", "p", "s", "h"


def signs(text: str) -> dict[str, set[str]]:
    """Each content word of ``text`` (folded) → how it occurs: asserted, negated (the head of a negator),
    prevented (the head of a verb of prevention), merely inside a negated phrase (after its head, before the
    clause ends) or supposed ("nếu bị", "hồi dính", "chỉ người già mới mắc")."""
    return _signs(_occurrences(text))


def _signs(occurrences: list[tuple[str, str, set[str]]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for word, state, _context in occurrences:
        out.setdefault(word, set()).add(state)
    return out


def _occurrences(text: str) -> list[tuple[str, str, set[str]]]:
    """Each word's occurrence with its sign and the other content words of its clause (epidemic words as one)."""
    out = []
    for _clause, toks in _clauses(text):
        context = _content(toks)
        signed = _clause_signs(toks)
        words = [""] + [_same_word(w) for w, _st in signed] + [""]
        # a word's neighbours are left out of its context: "khẩu" and "trang" are one word, not two shared
        out += [(word, state, context - {words[n], words[n + 2]}) for n, (word, state) in enumerate(signed)]
    return out


def _clause_signs(toks: list[str]) -> list[tuple[str, str]]:
    occurrences: list[list[str]] = []  # [word, state]
    pending = 0  # negations waiting for their head
    prevented = False  # a verb of prevention waiting for its head
    scoped = False  # after a negated head, until the clause ends
    held: list[str] = []  # auxiliaries passed over since the last negator
    supposed = False  # after "nếu", "khi"...: nothing is asserted until the clause goes on
    restricted = _restricted(toks)

    def close() -> None:
        """A negator left without a head: after a verb ("lây không được") it negates that verb; otherwise it
        negates the auxiliaries after it ("người trẻ không bị")."""
        if pending % 2 and set(held) <= {"duoc", "dc", "noi"} and occurrences:
            occurrences[-1][1] = NEGATED
        for word in held:
            negated = pending % 2 == 1
            occurrences.append(
                [
                    "mac" if negated and word == "bi" else word,
                    NEGATED if negated else PREVENTED if prevented else IN_SCOPE,
                ]
            )

    i = 0
    while i < len(toks):
        tok = toks[i]
        i += 1
        if tok == "khong":
            pending += 1
            continue
        if tok.startswith("?"):
            supposed = True
            continue
        word = tok.lstrip("~+")
        if (pending or prevented) and word in AUXILIARIES:
            held.append(word)
            continue
        if tok in _BOUNDARIES or tok in _STOP:
            close()
            pending, prevented, scoped, held, supposed = 0, False, False, [], tok in _IF
            continue
        negated = pending % 2 == 1
        state = (
            NEGATED
            if negated
            else PREVENTED
            if prevented
            else IN_SCOPE
            if scoped
            else SUPPOSED
            if supposed or restricted
            else ASSERTED
        )
        occurrences.append(["mac" if word in _INFECTED else word, state])
        if tok.startswith("+"):  # prevention: its head is prevented, or merely in scope when itself negated
            while i < len(toks) and toks[i].startswith("+"):
                occurrences.append([toks[i][1:], state])
                i += 1
            prevented = not negated
        else:
            prevented = False
        if tok.startswith("+") and negated:  # "không ngăn được virus lây lan": what follows is asserted
            scoped = False
        else:
            scoped = scoped or bool(pending) or tok.startswith("+")
        pending, held = 0, []
    close()
    return [(w, st) for w, st in occurrences]


def _restricted(toks: list[str]) -> bool:
    """ "chỉ người già mới mắc", "covid chỉ bắt người già": said of some, denied of the others."""
    return any(
        t == "chi"
        and toks[j + 1 : j + 2] != ["can"]
        and (
            "moi" in toks[j + 1 :]
            or toks[j + 1 : j + 2]
            and toks[j + 1] in _ONLY_BEFORE
            or toks[j + 1 : j + 2]
            and toks[j + 1] in _INFECTED | {"bi"}
            and toks[j + 2 : j + 3]
            and toks[j + 2] in _PEOPLE
        )
        for j, t in enumerate(toks)
    )


def polarity(text: str) -> int:
    """Number of negations in ``text`` (question endings excluded); odd means the statement is negative."""
    return sum(_clause_polarity(toks) for _clause, toks in _clauses(text))


def _clause_polarity(toks: list[str], prevention: bool = False) -> int:
    """Negations in one clause; with ``prevention`` verbs of prevention count too ("phòng covid" ~ "không mắc
    covid")."""
    count = int(_restricted(toks))
    i = 0
    while i < len(toks):
        if toks[i] in NEGATORS:
            count += 1
            i += 2 if i + 1 < len(toks) and toks[i + 1] in {"he", "phai", "co", "the"} else 1
            continue
        if prevention and toks[i].startswith("+") and not (i and toks[i - 1].startswith("+")):
            count += 1
        i += 1
    return count


def debunks(text: str) -> bool:
    """The text calls what it speaks of false ("... là tin sai", "không có bằng chứng ...")."""
    return bool(_DEBUNK.search(vn.normalize(text)))


def _content(toks: list[str]) -> set[str]:
    """Content words, epidemic words as one and verbs of prevention as "+"."""
    return {
        "+" if t.startswith("+") else _same_word(t.lstrip("~?"))
        for t in toks
        if t not in NEGATORS and t not in _STOP and len(t.lstrip("~+?")) > 1 and t.lstrip("~+?") not in AUXILIARIES
    }


def _same_word(word: str) -> str:
    """One spelling for words of one meaning: the epidemic, being infected, dying ("chết" / "tử vong")."""
    return _EPIDEMIC_WORD if word in _EPIDEMIC else "mac" if word in _INFECTED else "vong" if word == "chet" else word


def _comparable(ca: set[str], cb: set[str]) -> bool:
    """Two statements about the same things: each of at least three content words (not a fragment such as
    "phế cầu"), at least two shared, and half of the smaller one's."""
    shared = len(ca & cb)
    return min(len(ca), len(cb)) >= 3 and shared >= 2 and shared >= 0.5 * min(len(ca), len(cb))


def contradicts(a: str, b: str) -> bool:
    """True when ``b`` asserts the opposite of ``a`` about the same thing ("vắc xin gây vô sinh" /
    "vắc xin không gây vô sinh")."""
    if debunks(a) != debunks(b):
        ca, cb = (set().union(*(_content(t) for _c, t in _clauses(x)), set()) for x in (a, b))
        return len(ca & cb) >= max(2, 0.5 * min(len(ca), len(cb)))
    oa, ob = _occurrences(a), _occurrences(b)
    sa, sb = _signs(oa), _signs(ob)
    shared = (sa.keys() & sb.keys()) - AUXILIARIES
    for w in shared:  # negated in one, asserted in the other (a word both negated and asserted tells nothing)
        pa, pb = sa[w] & {ASSERTED, NEGATED}, sb[w] & {ASSERTED, NEGATED}
        if len(pa) == len(pb) == 1 and pa != pb and _about_the_same(w, oa, ob):
            return True
    if any(
        NEGATED in sa[w] and sb[w] & {NEGATED, PREVENTED} or NEGATED in sb[w] and PREVENTED in sa[w]
        for w in sa.keys() & sb.keys()
    ):
        return False  # both deny the same thing
    for ta in _windows(a):
        for tb in _windows(b):
            if _comparable(_content(ta), _content(tb)) and _opposed(ta, tb):
                return True
    return False


def _windows(text: str) -> list[list[str]]:
    """Each clause's tokens, and a short clause of prevention or cure joined to the affirmative one before it
    ("tắm nước nóng cỡ nào, chẳng ngăn được covid đâu" leaves its subject there)."""
    toks = [t for _c, t in _clauses(text)]
    return toks + [
        x + ["thi"] + y
        for x, y in zip(toks, toks[1:])
        if len(_content(y)) < 3 and not _clause_polarity(x) and any(t[0] == "+" or t in CURE for t in y)
    ]


def _about_the_same(word: str, oa: list, ob: list) -> bool:
    """The clauses where ``word`` is asserted or negated share another content word: "không cần uống thuốc
    tây" says nothing against "uống nước sả chữa khỏi covid"."""
    ca, cb = ([set().union(*(c for w, st, c in o if w == word and st in (ASSERTED, NEGATED)))] for o in (oa, ob))
    return bool((ca[0] & cb[0]) - {word})


def _opposed(ta: list[str], tb: list[str]) -> bool:
    """Two comparable clauses with opposite polarity, where the other clause speaks of something the negating
    one denies (not merely leaving it out: "xịt cồn khắp người" / "xịt cồn khắp người để khỏi nhiễm virus"),
    unless the side that negates has no verb of prevention and the other one has ("ăn tỏi thì virus không
    nhiễm" / "ăn tỏi phòng covid")."""
    na, nb = _clause_polarity(ta), _clause_polarity(tb)
    if (na - nb) % 2 == 0:
        return False
    negating, other = (ta, tb) if na % 2 else (tb, ta)
    denied, negated = set(), False
    for w, st in _clause_signs(negating):  # what is negated and what follows it (not what follows a prevention)
        negated = negated or st == NEGATED
        if st == NEGATED or negated and st == IN_SCOPE:
            denied.add(_same_word(w))
    prevention = any(t.startswith("+") or t in CURE for t in other)
    if denied & (_PREVENT_FOLDED.keys() | CURE) and prevention:
        denied.add("+")  # "không ngăn được lây nhiễm" denies "phòng lây nhiễm", "không chữa được" "diệt virus"
    supposed = {_same_word(w) for w, st in _clause_signs(other) if st == SUPPOSED}
    if not denied & (_content(other) - supposed | {"+"}):
        return False
    prevents = _clause_polarity(other, True) > _clause_polarity(other)
    return not (
        prevents and _clause_polarity(negating, True) == _clause_polarity(negating) and not CURE & set(negating)
    )
