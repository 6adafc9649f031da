"""Plain-language advice from a trackability analysis, in English and Russian.

Each piece of advice has a stable `code` (for the interface and for tests) and the text in
both languages. They are listed in a fixed order, so the same photo always gets the same
advice in the same order.
"""

# The Russian texts are Russian on purpose; ruff would flag every Cyrillic letter that
# looks like a Latin one.

from __future__ import annotations

# When each piece of advice is given: the measure or 0-1 component it reads and the bound.
TOO_DARK_BELOW = 60.0  # mean grey level
TOO_BRIGHT_ABOVE = 200.0  # mean grey level
LOW_CONTRAST_BELOW = 0.6  # contrast component (standard deviation under ~25)
BLURRY_BELOW = 0.5  # sharpness component
FEW_DETAILS_BELOW = 0.5  # features or edge_density component
UNEVEN_BELOW = 0.5  # spread component
REPETITIVE_BELOW = 0.5  # uniqueness component
SMALL_PRINT_DETAIL_BELOW = 0.9  # weakest detail component once the print size is counted

TEXTS = {
    "too_dark": (
        "The photo is too dark: choose a brighter shot or raise the brightness.",
        "Фото слишком тёмное: выберите более светлый кадр или повысьте яркость.",
    ),
    "too_bright": (
        "The photo is overexposed: choose a shot where bright areas still show detail, or lower the brightness.",
        "Фото пересвечено: выберите кадр, где в светлых местах видны детали, или уменьшите яркость.",
    ),
    "low_contrast": (
        "The photo has low contrast: choose a shot with clear light and dark areas, or try auto-enhance.",
        "У фото низкая контрастность: выберите кадр с выраженными светлыми и тёмными участками "
        "или попробуйте автоулучшение.",
    ),
    "blurry": (
        "The photo looks blurry: choose a sharp, in-focus shot.",
        "Фото выглядит размытым: выберите чёткий кадр, снятый в фокусе.",
    ),
    "few_details": (
        "The photo has few details the camera can recognise: choose a shot with more objects and "
        "texture and fewer plain areas.",
        "На фото мало деталей, по которым камера его узнаёт: выберите кадр с предметами и фактурой, "
        "без больших однотонных участков.",
    ),
    "uneven_details": (
        "The details are gathered in one part of the photo: choose a shot where they fill the whole "
        "frame, or crop away the plain areas.",
        "Детали собраны в одной части фото: выберите кадр, где они заполняют весь снимок, "
        "или обрежьте однотонные области.",
    ),
    "repetitive": (
        "The photo is made of a repeating pattern, so the camera can mix up its parts: choose a shot "
        "with distinctive, non-repeating details.",
        "Фото состоит из повторяющегося узора, и камера может путать его части: выберите кадр "
        "с неповторяющимися, узнаваемыми деталями.",
    ),
    "small_print": (
        "For a print this small, choose a photo with more fine detail or print larger "
        "(10 cm or more on the shorter side).",
        "Для такого маленького отпечатка выберите фото с большим количеством мелких деталей "
        "или напечатайте его крупнее (от 10 см по короткой стороне).",
    ),
}


def advice_for(
    metrics: dict[str, float], components: dict[str, float], *, small_print: bool
) -> list[dict[str, str]]:
    """The advice that applies, each as {"code", "en", "ru"}, in a fixed order."""
    codes = []
    if metrics["brightness"] < TOO_DARK_BELOW:
        codes.append("too_dark")
    if metrics["brightness"] > TOO_BRIGHT_ABOVE:
        codes.append("too_bright")
    if components["contrast"] < LOW_CONTRAST_BELOW:
        codes.append("low_contrast")
    if components["sharpness"] < BLURRY_BELOW:
        codes.append("blurry")
    if min(components["features"], components["edge_density"]) < FEW_DETAILS_BELOW:
        codes.append("few_details")
    # Spread and repetition mean nothing without features; "few details" already says it.
    if components["features"] > 0 and components["spread"] < UNEVEN_BELOW:
        codes.append("uneven_details")
    if components["features"] > 0 and components["uniqueness"] < REPETITIVE_BELOW:
        codes.append("repetitive")
    detail = min(components["sharpness"], components["edge_density"], components["features"])
    if small_print and detail < SMALL_PRINT_DETAIL_BELOW:
        codes.append("small_print")
    return [{"code": code, "en": TEXTS[code][0], "ru": TEXTS[code][1]} for code in codes]
