"""The customer CSV of a bulk upload: one row per photo, matched by file name.

Accepts what spreadsheets write: UTF-8 with or without a BOM, UTF-16 ("Unicode text"),
Windows-1251 (Excel in Russian), and comma, semicolon or tab separators. Columns are found
by their header in English or Russian; unknown columns are ignored."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_CSV_BYTES = 1024 * 1024
MAX_ROWS = 1000
COLUMNS = {
    "file": ("file", "filename", "file name", "photo", "файл", "имя файла", "фото"),
    "customer_name": ("customer_name", "name", "customer", "имя", "клиент", "фио"),
    "customer_phone": ("customer_phone", "phone", "телефон"),
    "customer_email": ("customer_email", "email", "e-mail", "почта", "эл. почта"),
}


class CsvRejectedError(ValueError):
    """The file as a whole cannot be read (the message says why, for the user)."""


@dataclass
class CustomerTable:
    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # file name (lower case) → fields
    errors: list[str] = field(default_factory=list)  # one sentence per bad row

    def row_for(self, file_name: str) -> dict[str, str] | None:
        return self.rows.get(file_name.strip().lower())


def _text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise CsvRejectedError(
            _("The customer file is not a CSV text file. Save it from the spreadsheet as CSV.")
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251")  # every byte decodes: Excel's Cyrillic encoding


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first_line, delimiters=";,\t")
    except csv.Error:
        return csv.excel


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        normalized = " ".join(title.strip().lower().replace("_", " ").split())
        for name, aliases in COLUMNS.items():
            if name not in found and normalized in {alias.replace("_", " ") for alias in aliases}:
                found[name] = index
    return found


def parse_customer_csv(data: bytes) -> CustomerTable:
    """The rows of ``data`` by file name. Raises :class:`CsvRejectedError` when the file is
    too large, not text, empty or has no file-name column; a row without a file name or
    naming a file twice is an error of that row and is left out."""
    if len(data) > MAX_CSV_BYTES:
        raise CsvRejectedError(_("The customer file is larger than 1 MB."))
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        records = list(reader)
    except csv.Error as error:
        raise CsvRejectedError(_("The customer file cannot be read: %(error)s") % {"error": error}) from None
    records = [record for record in records if any(cell.strip(" ;,\t") for cell in record)]
    if not records:
        raise CsvRejectedError(_("The customer file is empty."))
    columns = _columns(records[0])
    if "file" not in columns:
        raise CsvRejectedError(
            _("The customer file needs a column “file” with the photo's file name (found: %(columns)s).")
            % {"columns": ", ".join(cell.strip() for cell in records[0]) or "—"}
        )
    if len(records) - 1 > MAX_ROWS:
        raise CsvRejectedError(_("The customer file has more than %(limit)d rows.") % {"limit": MAX_ROWS})
    table = CustomerTable()
    for number, record in enumerate(records[1:], start=2):
        values = {
            name: record[index].strip() if index < len(record) else "" for name, index in columns.items()
        }
        file_name = values.pop("file")
        if not file_name:
            table.errors.append(_("Row %(row)d: no file name.") % {"row": number})
        elif file_name.lower() in table.rows:
            table.errors.append(
                _("Row %(row)d: the file %(file)s is named twice.") % {"row": number, "file": file_name}
            )
        else:
            table.rows[file_name.lower()] = values
    return table
