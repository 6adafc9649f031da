"""A plausible month of scans for the demo company, so its charts are not empty on the
first start. The scans go through the viewer's own event path (``apply_events``, as the
flush writes them): sessions with devices from real User-Agents, durations reported at
the end, then the usual roll-up. Made once: a company with any scan gets none."""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zoneinfo

from django.db import transaction

from arcontent.analytics.periods import local_today
from arcontent.analytics.rollups import rollup_rebuild
from arcontent.models import ARContent, ViewSession
from arcontent.viewer.events import Event, SessionEvent, SessionReport, ViewEvent
from arcontent.viewer.recording import apply_events
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company

DAYS = 30
USER_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; Redmi Note 12) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.0.0 Mobile Safari/537.36 YaBrowser/24.6.1.75.00 SA/3",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Mobile/15E148 Safari/604.1",
)


def _events(contents: list[ARContent], company: Company, today: dt.date, rng: random.Random) -> list[Event]:
    zone = zoneinfo.ZoneInfo(company.time_zone)
    events: list[Event] = []
    for rank, content in enumerate(contents):
        popularity = 9 / (rank + 1)  # the first demo is the favourite, as in any studio
        visitors = [uuid.uuid4().hex for _ in range(40)]
        for back in range(DAYS):
            day = today - dt.timedelta(days=back)
            weekend = 1.6 if day.weekday() >= 5 else 1.0
            fresh = 1.0 + back / DAYS  # a print is scanned most in its first weeks
            for _ in range(rng.randint(0, round(popularity * weekend * fresh))):
                moment = dt.datetime.combine(
                    day, dt.time(rng.randint(9, 22), rng.randint(0, 59)), tzinfo=zone
                )
                if moment > dt.datetime.now(zone):
                    continue
                session, started = str(uuid.uuid4()), moment.timestamp()
                visitor, agent = rng.choice(visitors), rng.choice(USER_AGENTS)
                events.append(ViewEvent(content_id=content.pk, company_id=company.pk, project_id=content.project_id,
                                        at=started, visitor_hash=visitor, user_agent=agent, country="RU",
                                        session_id=session, source="web"))  # fmt: skip
                watched = rng.choice((4, 8, 12, 20, 30, 45))
                report = SessionReport(session_id=session, event="end", duration_seconds=watched,
                                       video_played=rng.random() < 0.85)  # fmt: skip
                events.append(SessionEvent(content_id=content.pk, company_id=company.pk, project_id=content.project_id,
                                           at=started + watched, report=report, visitor_hash=visitor,
                                           user_agent=agent, country="RU"))  # fmt: skip
    return events


def demo_history(company: Company, *, seed: int = 2026) -> int:
    """Write the month of scans (none if the company has any) and roll it up; how many scans."""
    with scopes_disabled():
        if ViewSession.objects.filter(company=company).exists():
            return 0
        contents = list(
            ARContent.objects.filter(company=company, status=ARContent.Status.ACTIVE).order_by("order_number")
        )
    if not contents:
        return 0
    today = local_today(company)
    events = _events(contents, company, today, random.Random(seed))  # noqa: S311 - demo data, not crypto
    with transaction.atomic(), scopes_disabled():
        apply_events([e for e in events if isinstance(e, ViewEvent)])
        apply_events([e for e in events if isinstance(e, SessionEvent)])
    rollup_rebuild(company=company, first=today - dt.timedelta(days=DAYS - 1), last=today)
    return sum(isinstance(e, ViewEvent) for e in events)
