"""QR codes and print-ready PDFs (WeasyPrint)."""

import weasyprint  # noqa: F401 - imported first so the setting below is not undone later
from PIL import ImageFile

# Importing WeasyPrint switches Pillow, process-wide, to accept truncated images with a
# grey fill. Photo uploads must be refused when truncated (arcontent.imaging.decode), and
# everything we embed in PDFs is already validated, so the strict default comes back.
ImageFile.LOAD_TRUNCATED_IMAGES = False
