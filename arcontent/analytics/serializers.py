"""Output shapes of the analytics API (and the roll-up request)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from arcontent.analytics.figures import Figures
from arcontent.analytics.periods import MAX_DAYS


class CountsSerializer(serializers.Serializer):
    views = serializers.IntegerField(help_text="Counted scans (bots left out).")
    visitors = serializers.IntegerField(help_text="Unique visitors per content and day, added up.")
    plays = serializers.IntegerField(help_text="Sessions whose video played.")
    watch_seconds = serializers.IntegerField()
    watched_sessions = serializers.IntegerField(help_text="Sessions that reported a watch time.")
    average_watch_seconds = serializers.FloatField(
        allow_null=True, help_text="watch_seconds / watched_sessions; null when none reported one."
    )


class DaySerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    views = serializers.IntegerField(source="counts.views")
    visitors = serializers.IntegerField(source="counts.visitors")
    plays = serializers.IntegerField(source="counts.plays")
    watch_seconds = serializers.IntegerField(source="counts.watch_seconds")
    watched_sessions = serializers.IntegerField(source="counts.watched_sessions")


class ShareSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text='The value ("" = unknown); null sums every value not listed.'
    )
    views = serializers.IntegerField()


class ContentRankSerializer(serializers.Serializer):
    unique_id = serializers.UUIDField()
    order_number = serializers.CharField()
    customer_name = serializers.CharField()
    project_id = serializers.IntegerField()
    project_name = serializers.CharField()
    counts = CountsSerializer()


class ScopeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["company", "project", "content"])
    id = serializers.CharField(help_text="Company slug, project id or content unique id.")
    name = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    first_day = serializers.DateField(source="first")
    last_day = serializers.DateField(source="last")
    days = serializers.IntegerField()
    range = serializers.IntegerField(
        source="preset", allow_null=True, help_text="7, 30, 90 or null (from/to)."
    )


class AnalyticsSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    period = PeriodSerializer()
    time_zone = serializers.CharField(help_text="Days are local days of this time zone.")
    totals = CountsSerializer()
    bot_views = serializers.IntegerField(help_text="Scans by bots, left out of every other figure.")
    daily = DaySerializer(many=True, help_text="Every day of the period, zeros included.")
    devices = ShareSerializer(many=True)
    os = ShareSerializer(many=True, source="systems")
    browsers = ShareSerializer(many=True, help_text="Browsers, or the app.")
    top_content = ContentRankSerializer(
        many=True, allow_null=True, help_text="Most viewed content (null in a content's own analytics)."
    )


def analytics_data(figures: Figures, *, scope: dict[str, str], time_zone: str) -> dict[str, Any]:
    instance = {
        "scope": scope,
        "period": figures.period,
        "time_zone": time_zone,
        "totals": figures.totals,
        "bot_views": figures.bot_views,
        "daily": figures.daily,
        "devices": figures.devices,
        "systems": figures.systems,
        "browsers": figures.browsers,
        "top_content": figures.top_content,
    }
    return AnalyticsSerializer(instance).data


class RollupRequestSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, default=2)


class RollupQueuedSerializer(serializers.Serializer):
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    status = serializers.CharField(help_text='"queued": the roll-up runs in the background.')
