"""Deterministic tokenizer parity corpus: >= 20,000 lines of bytes, one per line (no b"\\n" inside).

Covers several scripts, emoji and ZWJ sequences, combining marks, full-width forms, whitespace runs
and tabs, code, numbers, special-token look-alikes, very long lines and invalid UTF-8. Invalid
UTF-8 is part of the contract: every tokenizer first decodes a line with U+FFFD replacement of
each maximal ill-formed subpart (WHATWG / Unicode §3.9, as TextDecoder and Python's
errors="replace" do), so reference tools receive `line.decode("utf-8", "replace")`.
"""
from __future__ import annotations

import random

LINES = 20480

WORDS = ("the of and to in is was he for it with as his on be at by had are but from or have an they "
         "which one you were her all she there would their we him been has when who will more no if out "
         "so said what up its about into than them can only other new some could time these two may then "
         "do first any my now such like our over man me even most made after also did many before must "
         "through years where much your way well down should because each just those people Mr how too "
         "little state good very make world still own see men work long get here between both life being "
         "under never day same another know while last might us great old year off come since against go "
         "came right used take three don't I'm it's we've they're you'll she'd ISN'T Hello WORLD").split()
SCRIPTS = [
    "Größenwahn über Straße — naïve café, déjà vu; Ærø, Œuvre, ßẞ",
    "Tiếng Việt có dấu: người, đường, những, được, chữ Quốc ngữ",
    "Ελληνικά: Καλημέρα κόσμε, ΣΊΣΥΦΟΣ ο Σίσυφος",
    "Русский язык: Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "العربية: مرحبا بالعالم، كيف حالك؟ ١٢٣٤٥",
    "עברית: שלום עולם, מה שלומך?",
    "हिन्दी: नमस्ते दुनिया, क़िला ज़रूर फ़िल्म",
    "ภาษาไทย: สวัสดีชาวโลก ยินดีต้อนรับ",
    "中文：你好，世界！我们正在测试分词器。繁體字：臺灣",
    "日本語：こんにちは世界、カタカナとひらがな。ｶﾞｷﾞｸﾞ",
    "한국어: 안녕하세요 세계, 한글 자모 각",
    "Türkçe: İstanbul'da ıslak ılık; AZƏRBAYCAN",
    "Polski: Zażółć gęślą jaźń. Čeština: Příliš žluťoučký kůň",
    "Emoji: 😀 😂 👍🏽 ❤️ 👨‍👩‍👧‍👦 🏳️‍🌈 🇫🇷🇯🇵 🧑🏿‍💻 #️⃣ 1️⃣ ©️ ™",
    "Combining: e\u0301 a\u0308 o\u0302\u0323 n\u0303 A\u030a \u0301lone Z\u0336\u0335\u0334a\u0358\u0360l\u0489",
    "Full-width: ＡＢＣ　ｘｙｚ　０１２３　！？（）［］｛｝～",
    "Symbols: ∀x∈ℝ: x²≥0, ½ ¼ ℃ № ™ ﬁ ﬂ Ⅻ ①②③ ㈱ ㍻ µ Å Ω",
    "Spaces:\u00a0nbsp\u2003em\u2009thin\u3000ideo\u200bzwsp\u202fnarrow\u205fmath",
]
CODE = [
    "def f(x):\treturn x**2 + 1  # comment",
    "for (int i = 0; i < n; ++i) { sum += a[i] * b[i]; }",
    "const re = /^[a-z]+$/gi; console.log(`${a} => ${b}`);",
    "<div class=\"x\" id='y'>&amp; &lt;tag&gt;</div>",
    "SELECT id, name FROM users WHERE age >= 18 ORDER BY name DESC;",
    "    if err != nil {\n".rstrip("\n") + "\t\treturn nil, fmt.Errorf(\"bad: %w\", err) }",
    "{\"key\": [1, 2.5, -3e10, true, null], \"nested\": {\"a\": \"b\"}}",
    "#include <vector>\tstd::vector<std::string> v{\"a\", \"b\"};",
]
SPECIALS = ["<s>", "</s>", "<unk>", "<|endoftext|>", "[CLS]", "[SEP]", "[MASK]", "[UNK]", "<pad>"]
SPACES = [" ", "  ", "   ", "\t", "\t\t", " \t ", "\u00a0", "\u3000", "\u2002", "      "]
INVALID = [b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\x80\x80", b"\xed\xa0\x80", b"\xc0\xaf",
           b"\xf4\x90\x80\x80", b"\xfe\xfe", b"\xe0\x80\xaf", b"\xf8\x88\x80\x80\x80"]
CONTROLS = ["\x00", "\x07", "\x1b[0m", "\x7f", "\u0085", "\u200d", "\ufeff", "\u2028", "\U000e0041"]


def _number(r: random.Random) -> str:
    k = r.randrange(6)
    if k == 0:
        return str(r.randrange(10 ** r.randrange(1, 20)))
    if k == 1:
        return f"{r.uniform(-1e6, 1e6):.{r.randrange(0, 8)}f}"
    if k == 2:
        return f"{r.randrange(1, 13)}/{r.randrange(1, 29)}/{r.randrange(1900, 2100)}"
    if k == 3:
        return f"{r.randrange(1000):,}".replace(",", r.choice([",", ".", " "])) + "%"
    if k == 4:
        return "0x" + "".join(r.choice("0123456789abcdefABCDEF") for _ in range(r.randrange(1, 17)))
    return f"{r.expovariate(1e-3):.3e}"


def _fragment(r: random.Random) -> str:
    k = r.randrange(100)
    if k < 35:
        w = " ".join(r.choice(WORDS) for _ in range(r.randrange(1, 12)))
        return w.capitalize() + r.choice([".", ",", "!", "?", "", ";", ":", "...", " -"])
    if k < 55:
        s = r.choice(SCRIPTS)
        a = r.randrange(len(s))
        return s[a:a + r.randrange(1, 60)]
    if k < 63:
        return r.choice(CODE)
    if k < 72:
        return _number(r)
    if k < 80:
        return r.choice(SPACES)
    if k < 84:
        return r.choice(SPECIALS)
    if k < 88:
        return r.choice(CONTROLS)
    if k < 94:  # random code points from a few blocks (letters, marks, symbols, astral)
        lo, hi = r.choice([(0x20, 0x7F), (0xA0, 0x250), (0x300, 0x370), (0x370, 0x530), (0x590, 0x700),
                           (0x900, 0xE00), (0x1100, 0x1200), (0x1E00, 0x2000), (0x2000, 0x2BFF),
                           (0x3000, 0x3100), (0x4E00, 0x9FFF), (0xAC00, 0xD7A4), (0xFF00, 0xFFEF),
                           (0x1F300, 0x1FAFF), (0x10000, 0x10100), (0x20000, 0x20100)])
        return "".join(chr(r.randrange(lo, hi)) for _ in range(r.randrange(1, 8)))
    return r.choice(WORDS).upper() + r.choice(["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "n't"])


def lines(n: int = LINES, seed: int = 1234) -> list[bytes]:
    r = random.Random(seed)
    out: list[bytes] = [b"", b" ", b"\t", b"   leading and trailing   ", "Ａ\u0301".encode()]
    while len(out) < n:
        parts = [_fragment(r) for _ in range(r.randrange(1, 9))]
        text = "".join(p if r.random() < 0.3 else p + " " for p in parts)
        if r.random() < 0.004:  # very long lines (up to ~30 kB)
            text = " ".join(_fragment(r) for _ in range(r.randrange(200, 1500)))
        b = text.replace("\n", " ").replace("\r", " ").encode("utf-8", "surrogatepass")
        if r.random() < 0.05:  # invalid UTF-8 spliced in at a random byte position
            i = r.randrange(len(b) + 1)
            b = b[:i] + r.choice(INVALID) + b[i:]
        out.append(b)
    return out


def write(path, n: int = LINES) -> None:
    with open(path, "wb") as f:
        f.write(b"\n".join(lines(n)) + b"\n")
