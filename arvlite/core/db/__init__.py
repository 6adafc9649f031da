"""Database backends of ARVlite (``ENGINE = "arvlite.core.db.postgresql"``)."""
