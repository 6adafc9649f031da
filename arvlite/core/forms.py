"""Portal form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def add_validation_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: field errors on their fields (or the
    form when the field is not on it), other errors at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
