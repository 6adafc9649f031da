"""View analytics: daily roll-ups of view sessions and the figures the portal and API show."""
