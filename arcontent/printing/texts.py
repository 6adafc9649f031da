"""The few words printed on labels and sheets, in the languages a company can print in.

Kept here rather than in the gettext catalogue: a print file's language is the customer's,
chosen per call, not the language of the request that happens to render it. No-break spaces
(U+00A0) and the non-breaking hyphen (U+2011) keep "QR-код", "10 x 15 см" and "100 %" whole
in narrow columns.
"""

# The Russian texts are Russian and the multiplication sign is one, on purpose;
# ruff would flag every Cyrillic letter that looks like a Latin one.

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class PrintTexts:
    language: str
    order: str
    instruction: str
    print_size: str  # with {width} and {height} in centimetres
    scale_note: str
    decimal_separator: str

    def size(self, width_cm: float, height_cm: float) -> str:
        return self.print_size.format(width=self._number(width_cm), height=self._number(height_cm))

    def _number(self, value: float) -> str:
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", self.decimal_separator)


_TEXTS = {
    "ru": PrintTexts(
        language="ru",
        order="Заказ",
        instruction="Наведите камеру телефона на QR\u2011код, а\u00a0затем\u00a0— на\u00a0фото",
        print_size="Размер печати: {width}\u00a0×\u00a0{height}\u00a0см",
        scale_note="Печатать в масштабе 100\u00a0%",
        decimal_separator=",",
    ),
    "en": PrintTexts(
        language="en",
        order="Order",
        instruction="Point your phone camera at the QR\u00a0code, then at the\u00a0photo",
        print_size="Print size: {width}\u00a0×\u00a0{height}\u00a0cm",
        scale_note="Print at 100\u00a0% scale",
        decimal_separator=".",
    ),
}


def texts_for(language: str) -> PrintTexts:
    """Texts for ``language`` ("ru", "en", or a regional variant such as "ru-RU");
    English for a language we have no texts for, so that a label always prints."""
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    return _TEXTS.get(primary, _TEXTS[DEFAULT_LANGUAGE])
