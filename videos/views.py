"""Portal pages for videos: the list with uploads (resumable) and actions, and the
playback page (mode, rotation, date rules, schedules, month calendar)."""

from __future__ import annotations

import calendar as calendar_module
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from arcontent.models import ARContent
from arcontent.selectors import content_get
from arvlite.core.forms import add_validation_errors
from arvlite.core.roles import Role, role_allows
from arvlite.core.storage.sniff import ALLOWED_TYPES
from companies.actors import Actor
from companies.portal import CompanyPortalMixin
from videos import selectors, services
from videos.api.uploads import max_upload_bytes
from videos.forms import DateRuleForm, PlaybackForm, ScheduleForm
from videos.models import DateRule, Video, VideoSchedule
from videos.naming import SOURCE_WORDS, named
from videos.selection import Selection


class ContentVideosMixin(CompanyPortalMixin):
    read_role = Role.VIEWER
    write_role = Role.EDITOR

    def get_content(self) -> ARContent:
        if not hasattr(self, "_content"):
            self._content = content_get(company=self.company, unique_id=self.kwargs["unique_id"])
        return self._content

    def back(self) -> HttpResponse:
        return redirect(
            self.page_name, company_slug=self.company.slug, unique_id=self.get_content().unique_id
        )

    page_name = "video-list-page"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(content=self.get_content(), can_edit=role_allows(self.membership.role, Role.EDITOR))
        return context


class VideoListView(ContentVideosMixin, TemplateView):
    template_name = "videos/video_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        videos = list(selectors.video_list(content=self.get_content()))
        playback = services.playback_for(self.get_content())
        max_bytes = max_upload_bytes()
        context.update(
            videos=videos,
            rows=named(videos),
            playback=playback,
            busy=any(v.status in (Video.Status.UPLOADED, Video.Status.PROCESSING) for v in videos),
            chunk_size=settings.VIDEO_UPLOAD_CHUNK_BYTES,
            # The server's limits, so the page refuses what the server would before uploading.
            max_bytes=max_bytes,
            max_size=filesizeformat(max_bytes),
            video_types=sorted(ALLOWED_TYPES["video"]),
            video_extensions=sorted({*ALLOWED_TYPES["video"].values(), "m4v", "mpeg", "qt"}),
        )
        return context


class VideoTablePartialView(VideoListView):
    """The table alone, polled by htmx while a video is processed."""

    template_name = "videos/partials/video_table.html"


def _move(video: Video, actor: Actor, step: int) -> None:
    ids = list(
        Video.objects.filter(content=video.content).order_by("order", "id").values_list("pk", flat=True)
    )
    index = ids.index(video.pk)
    target = index + step
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
        services.videos_reorder(content=video.content, actor=actor, video_ids=ids)


VIDEO_ACTIONS = {
    "set-active": lambda video, actor: services.video_set_active(video=video, actor=actor),
    "enable": lambda video, actor: services.video_update(video=video, actor=actor, enabled=True),
    "disable": lambda video, actor: services.video_update(video=video, actor=actor, enabled=False),
    "reprocess": lambda video, actor: services.video_reprocess(video=video, actor=actor),
    "delete": lambda video, actor: services.video_delete(video=video, actor=actor),
    "up": lambda video, actor: _move(video, actor, -1),
    "down": lambda video, actor: _move(video, actor, 1),
}


class VideoActionView(ContentVideosMixin, TemplateView):
    http_method_names = ["post"]
    read_role = write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        video = get_object_or_404(
            Video.objects.filter(content=self.get_content()).select_related("content"), pk=kwargs["pk"]
        )
        try:
            VIDEO_ACTIONS[kwargs["action"]](video, request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Done."))
        return self.back()


class VideoUploadView(ContentVideosMixin, TemplateView):
    """The form upload for browsers without JavaScript (the page itself uses tus)."""

    http_method_names = ["post"]
    read_role = write_role = Role.EDITOR

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a video file."))
            return self.back()
        try:
            services.video_create(content=self.get_content(), actor=request.user, upload=upload,
                                  filename=upload.name or "", title=request.POST.get("title", ""))  # fmt: skip
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Uploaded. The video is being processed."))
        return self.back()


@dataclass(frozen=True, slots=True)
class CalendarDay:
    day: date
    selection: Selection | None
    titles: dict[int, str]

    @property
    def title(self) -> str:
        return self.titles.get(self.selection.video_id, "") if self.selection else ""

    @property
    def source(self) -> str:
        return self.selection.selection_source if self.selection else ""

    @property
    def reason(self) -> str:
        return str(SOURCE_WORDS.get(self.source, "")) if self.selection else ""


class PlaybackView(ContentVideosMixin, TemplateView):
    template_name = "videos/playback.html"
    page_name = "playback-page"

    def _month(self) -> tuple[int, int]:
        raw = self.request.GET.get("month", "")
        try:
            year, month = (int(part) for part in raw.split("-"))
            date(year, month, 1)
            if not 1900 <= year <= 2200:  # the page links the months around it
                raise ValueError(raw)
        except ValueError:
            today = timezone.now().astimezone(ZoneInfo(self.company.time_zone)).date()
            return today.year, today.month
        return year, month

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        content = self.get_content()
        videos = Video.objects.filter(content=content).order_by("order", "id")
        playback = services.playback_for(content)
        year, month = self._month()
        days = dict(selectors.month_calendar(content=content, year=year, month=month))
        titles = {each.video.id: each.name for each in named(videos)}
        weeks = [
            [CalendarDay(day, days.get(day), titles) if day.month == month else None for day in week]
            for week in calendar_module.Calendar().monthdatescalendar(year, month)
        ]
        previous = date(year - (month == 1), 12 if month == 1 else month - 1, 1)
        following = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
        context.update(
            playback=playback,
            playback_form=kwargs.get("playback_form")
            or PlaybackForm(
                videos=videos,
                initial={
                    "mode": playback.mode,
                    "active_video": playback.active_video_id,
                    "rotation": playback.rotation,
                    "rotation_default_video": playback.rotation_default_video_id,
                    "rotation_sequence": playback.rotation_sequence,
                },
            ),
            date_rule_form=kwargs.get("date_rule_form") or DateRuleForm(videos=videos),
            schedule_form=kwargs.get("schedule_form") or ScheduleForm(videos=videos),
            date_rules=DateRule.objects.filter(playback=playback).select_related("video"),
            schedules=VideoSchedule.objects.filter(content=content).select_related("video"),
            weeks=weeks,
            weekdays=[WEEKDAYS_ABBR[n] for n in range(7)],  # Monday first, as the weeks are
            month_start=date(year, month, 1),
            previous_month=f"{previous:%Y-%m}",
            next_month=f"{following:%Y-%m}",
        )
        return context

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        content = self.get_content()
        videos = Video.objects.filter(content=content).order_by("order", "id")
        what = request.POST.get("form")
        forms = {"playback": PlaybackForm, "date_rule": DateRuleForm, "schedule": ScheduleForm}
        if what in ("delete_date_rule", "delete_schedule"):
            pk = request.POST.get("pk", "")
            if not (pk.isascii() and pk.isdigit()):
                return self.back()
            if what == "delete_date_rule":
                rule = get_object_or_404(DateRule.objects.filter(playback__content=content), pk=int(pk))
                services.date_rule_delete(rule=rule, actor=request.user)
            else:
                schedule = get_object_or_404(VideoSchedule.objects.filter(content=content), pk=int(pk))
                services.schedule_delete(schedule=schedule, actor=request.user)
            messages.success(request, _("Removed."))
            return self.back()
        if what not in forms:
            return self.back()
        form = forms[what](request.POST, videos=videos)
        if form.is_valid():
            try:
                self._save(what, form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return self.back()
        return self.render_to_response(self.get_context_data(**{f"{what}_form": form}), status=400)

    def _save(self, what: str, values: dict[str, Any]) -> None:
        content, actor = self.get_content(), self.request.user
        if what == "playback":
            services.playback_update(
                content=content, actor=actor, mode=values["mode"], rotation=values["rotation"],
                active_video_id=values["active_video"].pk if values["active_video"] else None,
                rotation_default_video_id=values["rotation_default_video"].pk if values["rotation_default_video"] else None,
                rotation_sequence=[v.pk for v in values["rotation_sequence"]],
            )  # fmt: skip
        elif what == "date_rule":
            day = values["date"]
            services.date_rule_create(content=content, actor=actor, video_id=values["video"].pk, month=day.month,
                                      day=day.day, year=None if values["yearly"] else day.year)  # fmt: skip
        else:
            services.schedule_save(content=content, actor=actor, video_id=values["video"].pk,
                                   starts_at=values["starts_at"], ends_at=values["ends_at"], note=values["note"],
                                   allow_overlap=values["allow_overlap"])  # fmt: skip
