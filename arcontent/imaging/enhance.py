"""Auto-enhance: a version of the photo that trackers find easier, offered to the user as
an alternative marker (never applied silently)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

# CLAHE: contrast is equalised within each tile of an 8 x 8 grid, and the clip limit of 2
# stops it from turning sensor noise in flat areas (sky, walls) into fake texture.
CLAHE_CLIP_LIMIT = 2.0
CLAHE_TILES = (8, 8)
# Unsharp mask: add back 80 % of the detail finer than a 1.2 px Gaussian. Strong enough to
# lift the corners trackers look for, gentle enough to avoid visible halos in print.
UNSHARP_SIGMA = 1.2
UNSHARP_AMOUNT = 0.8


def enhance(image: Image.Image) -> Image.Image:
    """Local contrast (CLAHE on the lightness channel of LAB) then an unsharp mask on the
    same channel; colours are left as they are. Returns an RGB image of the same size."""
    rgb = np.asarray(image.convert("RGB"))
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    lightness = lab[:, :, 0]
    clahe = cv2.createCLAHE(clipLimit=CLAHE_CLIP_LIMIT, tileGridSize=CLAHE_TILES)
    lightness = clahe.apply(lightness)
    # Only lightness is sharpened: sharpening colour channels makes coloured fringes.
    soft = cv2.GaussianBlur(lightness, (0, 0), UNSHARP_SIGMA)
    lightness = cv2.addWeighted(lightness, 1 + UNSHARP_AMOUNT, soft, -UNSHARP_AMOUNT, 0)
    lab = np.dstack((lightness, lab[:, :, 1], lab[:, :, 2]))
    return Image.fromarray(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), mode="RGB")
