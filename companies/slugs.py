"""A company's web address from its name: Cyrillic transliterated the way Russian
speakers write it in Latin letters ("Солнечная студия" → ``solnechnaya-studiya``), then
Django's slugify; a free variant (``-2``, ``-3``…) when the address is taken.

The table is ours on purpose: python-slugify/unidecode give "solnechnaia-studiia", which
no studio owner would type."""

from __future__ import annotations

from django.utils.text import slugify

from companies.models import Company

MAX_LENGTH = 60
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
     "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi", "ye", "g"],
    strict=True,
))  # fmt: skip


def transliterate(text: str) -> str:
    out = []
    for char in text:
        latin = _CYRILLIC.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char.isupper() and latin else latin)
    return "".join(out)


def slug_from_name(name: str) -> str:
    """The address a name gives (may be empty for a name of only symbols)."""
    slug = slugify(transliterate(name))[:MAX_LENGTH].strip("-")
    return slug


def free_slug(name: str) -> str:
    """``slug_from_name``, or its first free numbered variant; "studio" for a name with no
    letters at all. Free now: ``company_create`` still reports a race for it."""
    base = slug_from_name(name) or "studio"
    taken = set(Company.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    for number in range(2, 10_000):
        suffix = f"-{number}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    raise ValueError("no free address")  # 10,000 companies of one name: not a real case
