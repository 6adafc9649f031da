"""What a channel's sender raises besides an ordinary (retried) failure."""

from __future__ import annotations


class RetryLaterError(Exception):
    """Not sent yet because of a rate limit: try again in ``seconds``, without counting a
    failed attempt."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"rate limited for {seconds:.1f} s")
        self.seconds = seconds


class UndeliverableError(Exception):
    """Sending again cannot help (the chat blocked the bot, the subscription is gone):
    the delivery fails at once with this reason."""
