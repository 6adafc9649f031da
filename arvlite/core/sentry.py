"""Error reporting to Sentry, switched on only when SENTRY_DSN is set."""

from __future__ import annotations


def configure_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> bool:
    """Initialise the Sentry SDK with the Django and Celery integrations; False when off."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        # Personal data (customer names, e-mails, IPs) stays out of reports: the SDK's
        # default, deliberately not switched on.
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    return True
