"""Photo handling for AR markers, as a pure library (no models, no settings, no database):

- decode.py: bytes → trusted upright RGB image, or PhotoRejectedError with a reason
- derivatives.py: the marker JPEG (thumbnails: arvlite.core.thumbnails)
- analysis.py (+ advice.py): trackability score, level and advice
- enhance.py: the auto-enhanced alternative marker
- similarity.py (+ hashing.py): the similar-marker check
- features.py: the greyscale working image and ORB features both checks share
"""
