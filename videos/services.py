"""Writes about videos: creating them from uploads, editing, ordering, and the playback
rules (mode, active video, rotation, date rules, schedules). All audited."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from types import EllipsisType
from typing import IO, Any, overload

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from arcontent.models import ARContent
from arvlite.core.scratch import work_directory
from arvlite.core.storage.sniff import ALLOWED_TYPES, HEAD_BYTES, sniff_mime
from companies.actors import Actor, actor_user
from companies.audit import audit_log
from companies.files import UploadedParts, stored_file_adopt, stored_file_create, stored_file_join
from companies.models import StoredFile
from videos.media.errors import VideoRejectedError
from videos.media.parts import PartsReader
from videos.media.probe import probe
from videos.models import DateRule, Playback, Video, VideoSchedule
from videos.tasks import process_video


def check_video_size(size: int) -> None:
    """Refuse a video over VIDEO_UPLOAD_MAX_BYTES before any byte is stored."""
    if size > settings.VIDEO_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("Videos can be at most %(limit)s.")
                    % {"limit": filesizeformat(settings.VIDEO_UPLOAD_MAX_BYTES)}
                ]
            }
        )


COPY_BYTES = 1024 * 1024


def check_video_playable(*, upload: IO[bytes] | None = None, parts: UploadedParts | None = None) -> None:
    """Refuse, before anything is stored or counted, a video that probing shows unusable:
    empty, not a video, no picture, undecodable, a single frame, cut short (videos.media.probe).
    The bytes are the ``upload`` (its spool file, or a scratch copy of a small one held in
    memory) or the stored parts of a resumable upload, read by range where they lie
    (PartsReader: only the start, the index and the last seconds are fetched). What only a
    full decode reveals is left to the processing. A missing part, or parts that no longer
    add up to their size, raise FileNotFoundError. A file whose first bytes show no video
    type at all is left to the type check of storage (stored_file_create/join), which
    names the accepted types."""
    workdir = None
    try:
        if upload is None:
            if parts is None:
                return
            with PartsReader(default_storage, parts.keys, size=parts.size) as joined:
                if sniff_mime(joined.read(HEAD_BYTES)) in ALLOWED_TYPES[StoredFile.Kind.VIDEO]:
                    probe(joined)  # type: ignore[arg-type]
            return
        upload.seek(0)
        if sniff_mime(upload.read(HEAD_BYTES)) not in ALLOWED_TYPES[StoredFile.Kind.VIDEO]:
            return
        if hasattr(upload, "temporary_file_path"):
            probe(upload.temporary_file_path())
        else:
            workdir = work_directory("probe")
            with open(workdir / "source", "wb") as target:
                upload.seek(0)
                shutil.copyfileobj(upload, target, COPY_BYTES)
            probe(workdir / "source")
    except VideoRejectedError as error:
        raise ValidationError({"file": [_(error.message)]}, code=error.code) from None
    finally:
        if upload is not None:
            upload.seek(0)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


def probe_upload(upload: IO[bytes]) -> None:
    """check_video_playable for one upload: the video check of companies.files.CONTENT_CHECKS."""
    check_video_playable(upload=upload)


def _check_content(content: ARContent) -> None:
    if content.status == ARContent.Status.ARCHIVED:
        raise ValidationError(_("Archived content is read-only."))


def video_create(
    *,
    content: ARContent,
    actor: Actor,
    upload: IO[bytes] | None = None,
    filename: str = "",
    title: str = "",
    held_file: StoredFile | None = None,
    parts: UploadedParts | None = None,
) -> Video:
    """Store an uploaded video (type sniffed from its bytes, probed, quota and size checked) and
    queue its processing after commit. It goes to the end of the content's list.

    An order passes ``held_file`` instead: the customer's video, checked when it was held
    and taken into the company's storage now. A finished resumable upload passes its
    ``parts``, joined into the original by storage (``stored_file_join``; a missing part
    raises FileNotFoundError)."""
    _check_content(content)
    if held_file is not None:
        stored = stored_file_adopt(stored_file=held_file, project=content.project, actor=actor)
        filename = filename or held_file.original_name
    elif parts is not None:
        check_video_size(parts.size)
        check_video_playable(parts=parts)
        stored = stored_file_join(
            company=content.company, kind=StoredFile.Kind.VIDEO, parts=parts, original_name=filename,
            project=content.project, actor=actor,
        )  # fmt: skip
    elif upload is not None:
        upload.seek(0, 2)
        check_video_size(upload.tell())
        upload.seek(0)
        stored = stored_file_create(
            company=content.company, kind=StoredFile.Kind.VIDEO, content=upload, original_name=filename,
            project=content.project, actor=actor,
        )  # fmt: skip
    else:
        raise ValidationError({"file": [_("A video file is required.")]})
    try:
        with transaction.atomic():
            last = Video.objects.filter(content=content).aggregate(m=Max("order"))["m"]
            video = Video.objects.create(
                company=content.company,
                content=content,
                title=title.strip()[:200],  # untitled: viewers see "Video N" (videos.naming)
                original=stored,
                size_bytes=stored.size,
                mime_type=stored.mime_type,
                order=0 if last is None else last + 1,
                created_by=actor_user(actor),
            )
            audit_log(company=content.company, actor=actor, action="video.create", target=video)
            _dispatch(video)
    except BaseException:
        if held_file is None:
            stored.delete()
        raise
    return video


def _dispatch(video: Video) -> None:
    process_video.delay_on_commit(video.pk)


def _lock(video: Video) -> Video:
    return Video.objects.select_for_update().select_related("company", "content").get(pk=video.pk)


@transaction.atomic
def video_update(*, video: Video, actor: Actor, **fields: Any) -> Video:
    """Change title, enabled, end date or weight."""
    video = _lock(video)
    allowed = {"title", "enabled", "end_date", "weight"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    changes = {}
    for name, value in fields.items():
        if getattr(video, name) != value:
            changes[name] = [str(getattr(video, name)), str(value)]
            setattr(video, name, value)
    if changes:
        video.save()
        audit_log(company=video.company, actor=actor, action="video.update", target=video, changes=changes)
    return video


@transaction.atomic
def video_reprocess(*, video: Video, actor: Actor) -> Video:
    """Process the original again (after a failure or to rebuild renditions)."""
    video = _lock(video)
    if video.status == Video.Status.PROCESSING:
        raise ValidationError(_("The video is being processed right now."))
    video.status = Video.Status.UPLOADED
    video.error = ""
    video.progress = 0
    video.save(update_fields=["status", "error", "progress", "updated_at"])
    audit_log(company=video.company, actor=actor, action="video.reprocess", target=video)
    _dispatch(video)
    return video


@transaction.atomic
def video_delete(*, video: Video, actor: Actor) -> None:
    """Delete a video and its files (objects go after commit)."""
    video = _lock(video)
    files = [video.original_id, video.rendition_1080_id, video.rendition_720_id, video.poster_id,
             video.thumbnail_small_id, video.thumbnail_medium_id, video.thumbnail_large_id]  # fmt: skip
    audit_log(company=video.company, actor=actor, action="video.delete", target=video)
    video.delete()
    StoredFile.objects.filter(pk__in=[pk for pk in files if pk]).delete()


@transaction.atomic
def videos_reorder(*, content: ARContent, actor: Actor, video_ids: list[int]) -> list[Video]:
    """Put the content's videos in the given order (every video exactly once)."""
    videos = {v.pk: v for v in Video.objects.select_for_update().filter(content=content)}
    if sorted(video_ids) != sorted(videos):
        raise ValidationError({"video_ids": [_("List every video of this content exactly once.")]})
    for position, pk in enumerate(video_ids):
        if videos[pk].order != position:
            videos[pk].order = position
            videos[pk].save(update_fields=["order", "updated_at"])
    audit_log(company=content.company, actor=actor, action="video.reorder", target=content,
              changes={"order": [None, video_ids]})  # fmt: skip
    return [videos[pk] for pk in video_ids]


def playback_for(content: ARContent) -> Playback:
    """The content's playback rules; made on first use in its project's playback mode
    (the default the project took from its template)."""
    playback, _created = Playback.objects.get_or_create(
        content=content, defaults={"company": content.company, "mode": content.project.playback_mode}
    )
    return playback


@overload
def _own_video(content: ARContent, video_id: int, field: str) -> Video: ...
@overload
def _own_video(content: ARContent, video_id: int | None, field: str) -> Video | None: ...
def _own_video(content: ARContent, video_id: int | None, field: str) -> Video | None:
    if video_id is None:
        return None
    video = Video.objects.filter(content=content, pk=video_id).first()
    if video is None:
        raise ValidationError({field: [_("Unknown video.")]})
    return video


@transaction.atomic
def playback_update(
    *,
    content: ARContent,
    actor: Actor,
    mode: str | None = None,
    active_video_id: int | EllipsisType | None = ...,
    rotation: str | None = None,
    rotation_default_video_id: int | EllipsisType | None = ...,
    rotation_sequence: list[int] | None = None,
) -> Playback:
    """Change the playback mode, the manually chosen video and the rotation rule.
    Videos must belong to the content; a sequence may not repeat a video."""
    _check_content(content)
    playback = Playback.objects.select_for_update().get(pk=playback_for(content).pk)
    changes: dict[str, Any] = {}
    if mode is not None:
        if mode not in Playback.Mode.values:
            raise ValidationError({"mode": [_("Unknown playback mode.")]})
        changes["mode"] = [playback.mode, mode]
        playback.mode = mode
    if active_video_id is not ...:
        playback.active_video = _own_video(content, active_video_id, "active_video")
        changes["active_video"] = [None, active_video_id]
    if rotation is not None:
        if rotation not in Playback.Rotation.values:
            raise ValidationError({"rotation": [_("Unknown rotation.")]})
        changes["rotation"] = [playback.rotation, rotation]
        playback.rotation = rotation
    if rotation_default_video_id is not ...:
        playback.rotation_default_video = _own_video(
            content, rotation_default_video_id, "rotation_default_video"
        )
    if rotation_sequence is not None:
        for pk in rotation_sequence:
            _own_video(content, pk, "rotation_sequence")
        if len(set(rotation_sequence)) != len(rotation_sequence):
            raise ValidationError({"rotation_sequence": [_("A video appears twice in the sequence.")]})
        playback.rotation_sequence = list(rotation_sequence)
    if playback.rotation == Playback.Rotation.FIXED and playback.rotation_default_video_id is None:
        raise ValidationError({"rotation_default_video": [_("A fixed rotation needs its default video.")]})
    if (
        playback.rotation in (Playback.Rotation.DAILY_CYCLE, Playback.Rotation.WEEKLY_CYCLE)
        and not playback.rotation_sequence
    ):
        raise ValidationError(
            {"rotation_sequence": [_("A daily or weekly cycle needs a sequence of videos.")]}
        )
    playback.save()
    audit_log(company=content.company, actor=actor, action="playback.update", target=content, changes=changes)
    return playback


@transaction.atomic
def date_rule_create(
    *, content: ARContent, actor: Actor, video_id: int, month: int, day: int, year: int | None = None
) -> DateRule:
    """A video for a date: exact when ``year`` is given, else every year."""
    _check_content(content)
    video = _own_video(content, video_id, "video")
    try:
        date(year or 2024, month, day)  # 2024 is a leap year: 29 February is a valid yearly rule
    except ValueError:
        raise ValidationError({"day": [_("This date does not exist.")]}) from None
    rule = DateRule.objects.create(
        company=content.company, playback=playback_for(content), video=video, month=month, day=day, year=year
    )
    audit_log(company=content.company, actor=actor, action="date_rule.create", target=content,
              changes={"date_rule": [None, str(rule)]})  # fmt: skip
    return rule


def _overlaps(
    content: ARContent, starts_at: datetime, ends_at: datetime, exclude: int | None
) -> list[VideoSchedule]:
    others = VideoSchedule.objects.filter(content=content, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude:
        others = others.exclude(pk=exclude)
    return list(others.select_related("video"))


@transaction.atomic
def schedule_save(
    *,
    content: ARContent,
    actor: Actor,
    video_id: int,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
    schedule: VideoSchedule | None = None,
    allow_overlap: bool = False,
) -> VideoSchedule:
    """Create or change a window. Overlapping windows are refused with the names and
    times of the others, unless ``allow_overlap`` (then the later-starting window wins)."""
    _check_content(content)
    video = _own_video(content, video_id, "video")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The end must be after the start.")]})
    clashes = _overlaps(content, starts_at, ends_at, schedule.pk if schedule else None)
    if clashes and not allow_overlap:
        described = "; ".join(
            f"{c.video} {c.starts_at:%Y-%m-%d %H:%M}–{c.ends_at:%Y-%m-%d %H:%M}" for c in clashes
        )
        raise ValidationError(
            {"starts_at": [_("This window overlaps %(others)s. Change the times, or allow the overlap.")
                           % {"others": described}]}
        )  # fmt: skip
    if schedule is None:
        schedule = VideoSchedule(company=content.company, content=content)
    schedule.video = video
    schedule.starts_at, schedule.ends_at, schedule.note = starts_at, ends_at, note
    schedule.save()
    audit_log(company=content.company, actor=actor, action="schedule.save", target=schedule)
    return schedule


@transaction.atomic
def date_rules_replace(*, content: ARContent, actor: Actor, rules: list[dict[str, Any]]) -> list[DateRule]:
    """Replace the content's date rules with ``rules`` ({video, month, day, year|None})."""
    _check_content(content)
    playback = playback_for(content)
    DateRule.objects.filter(playback=playback).delete()
    return [
        date_rule_create(
            content=content,
            actor=actor,
            video_id=rule["video"],
            month=rule["month"],
            day=rule["day"],
            year=rule.get("year"),
        )
        for rule in rules
    ]


@transaction.atomic
def schedule_delete(*, schedule: VideoSchedule, actor: Actor) -> None:
    """Remove a schedule; audited."""
    audit_log(company=schedule.company, actor=actor, action="schedule.delete", target=schedule)
    schedule.delete()


@transaction.atomic
def date_rule_delete(*, rule: DateRule, actor: Actor) -> None:
    """Remove a date rule; audited on its content, like its creation."""
    content = rule.playback.content
    audit_log(company=rule.company, actor=actor, action="date_rule.delete", target=content,
              changes={"date_rule": [str(rule), None]})  # fmt: skip
    rule.delete()


@transaction.atomic
def playback_adopt_ready(*, video: Video) -> Playback | None:
    """A video that just became ready is made the content's active video when none is chosen
    (manual mode; PRODUCT.md "Which video plays", rule 4), so the first ready video plays and
    the portal shows it as the one playing without an extra click. Audited when it changes."""
    playback = Playback.objects.select_for_update().filter(content_id=video.content_id).first()
    if playback is None:  # no saved rules: the content plays in its project's mode
        if video.content.project.playback_mode != Playback.Mode.MANUAL:
            return None
        playback = Playback.objects.select_for_update().get(pk=playback_for(video.content).pk)
    if playback.mode == Playback.Mode.MANUAL and playback.active_video_id is None:
        playback.active_video = video
        playback.save(update_fields=["active_video", "updated_at"])
        audit_log(company=video.company, actor=None, action="playback.update", target=video.content,
                  changes={"active_video": [None, video.pk]})  # fmt: skip
    return playback


@transaction.atomic
def video_set_active(*, video: Video, actor: Actor) -> Playback:
    """Play this video (manual mode) unless a date rule, window or rotation says otherwise."""
    return playback_update(
        content=video.content, actor=actor, mode=Playback.Mode.MANUAL, active_video_id=video.pk
    )
