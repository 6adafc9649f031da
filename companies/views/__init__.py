"""Portal pages of the companies app."""
