"""Name generation and query mangling shared by scripts/eval-resolve and
scripts/bench-resolve.

Names are real Vietnamese syllables: the family name drawn by the shares
of docs/NAMES.md, a common middle name, and one or two given-name
syllables from the Vietnamese Hunspell dictionary (Debian hunspell-vi)
when it is installed, else from the built-in list below. Queries are names
with their diacritics dropped, their case changed and 0-2 random edits.
"""
import os
import unicodedata

FAMILIES = [  # (name, share in percent)
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1),
    ("Hoàng", 2.6), ("Huỳnh", 2.5), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9),
    ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
    ("Dương", 1.0), ("Lý", 0.5), ("Trịnh", 0.4), ("Đinh", 0.4),
    ("Đoàn", 0.3), ("Lương", 0.3), ("Mai", 0.3), ("Tô", 0.2),
    ("Trương", 0.3), ("Cao", 0.2), ("Lâm", 0.2), ("Hà", 0.2),
]

MIDDLES = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Quang", "Ngọc", "Thanh",
           "Xuân", "Công", "Đình", "Quốc", "Hồng", "Kim", "Thu", "Anh",
           "Mạnh", "Trọng", "Việt", "Bá", "Duy", "Hải", "Tuấn", "Phương",
           "Khánh", "Gia", "Bảo", "Thái", "Như", "Diệu"]

GIVEN = ["An", "Anh", "Bình", "Cường", "Chi", "Dũng", "Dương", "Đạt",
         "Giang", "Hà", "Hải", "Hạnh", "Hằng", "Hiếu", "Hoa", "Hòa", "Hùng",
         "Hưng", "Hương", "Huy", "Khoa", "Lan", "Linh", "Long", "Mai",
         "Minh", "Nam", "Nga", "Ngọc", "Nhung", "Phong", "Phúc", "Phương",
         "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Thành", "Thủy",
         "Trang", "Trung", "Tú", "Tuấn", "Vân", "Việt", "Vinh", "Yến",
         "Chiến", "Giáp", "Lịch", "Kiệt", "Đồng", "Chính", "Cương", "Lực"]

HUNSPELL = "/usr/share/hunspell/vi_VN.dic"
_VOWELS = set("aăâeêioôơuưy")


def _syllables():
    """Lower-case one-syllable words of the Hunspell dictionary."""
    if not os.path.exists(HUNSPELL):
        return [g for g in GIVEN]
    out = []
    with open(HUNSPELL, encoding="utf-8") as f:
        next(f, None)  # the word count
        for line in f:
            w = line.strip().split("/")[0]
            if not w or not w.islower() or not w.isalpha() or len(w) > 7:
                continue
            base = unicodedata.normalize("NFD", w)
            plain = "".join(c for c in base if not unicodedata.combining(c))
            if not any(c in _VOWELS for c in plain.replace("đ", "d")):
                continue
            out.append(unicodedata.normalize("NFC", w).capitalize())
    return out or list(GIVEN)


def generate(n, rnd):
    """n names (duplicates possible, as in life)."""
    syl = _syllables()
    fam_names = [f for f, _ in FAMILIES]
    fam_w = [w for _, w in FAMILIES]
    names = []
    for _ in range(n):
        fam = rnd.choices(fam_names, fam_w)[0]
        parts = [fam]
        if rnd.random() < 0.9:
            parts.append(rnd.choice(MIDDLES))
        # Half the given names from the common list, half from the
        # dictionary, one syllable in three preceded by another.
        pool = GIVEN if rnd.random() < 0.5 else syl
        if rnd.random() < 0.33:
            parts.append(rnd.choice(syl))
        parts.append(rnd.choice(pool))
        names.append(" ".join(parts))
    return names


def strip_marks(s):
    s = s.replace("đ", "d").replace("Đ", "D")
    d = unicodedata.normalize("NFD", s)
    return unicodedata.normalize(
        "NFC", "".join(c for c in d if not unicodedata.combining(c)))


LETTERS = "abcdeghiklmnopqrstuvxy"


def edit(s, rnd):
    """One random edit (insert, delete, substitute, transpose) of s."""
    if len(s) < 2:
        return s + rnd.choice(LETTERS)
    op = rnd.randrange(4)
    p = rnd.randrange(len(s))
    if op == 0:
        return s[:p] + s[p + 1:]
    if op == 1:
        return s[:p] + rnd.choice(LETTERS) + s[p:]
    if op == 2:
        c = rnd.choice(LETTERS)
        return s[:p] + c + s[p + 1:]
    p = min(p, len(s) - 2)
    return s[:p] + s[p + 1] + s[p] + s[p + 2:]


def mangle(name, rnd, max_edits=2):
    """Diacritics dropped, case changed, 0..max_edits random edits."""
    q = strip_marks(name)
    style = rnd.randrange(3)
    if style == 0:
        q = q.lower()
    elif style == 1:
        q = q.upper()
    for _ in range(rnd.randint(0, max_edits)):
        q = edit(q, rnd)
    q = " ".join(q.split())
    return q or "x"
