from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from videos.models import Playback, Video
from videos.naming import named


class PlaybackForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Playback mode"), choices=Playback.Mode.choices,
        help_text=_("What plays when no date, time window or rotation decides. “The chosen video” always "
                    "plays the active video below. “Sequential” plays video 1 at the first scan, video 2 at "
                    "the next and then stays on the last one; “Cyclic” goes 1, 2, 3, 1, 2…"),
    )  # fmt: skip
    active_video = forms.ModelChoiceField(
        label=_("Active video"), queryset=Video.objects.none(), required=False,
        help_text=_("Plays in “The chosen video” mode. Empty: the first video of the list."),
    )  # fmt: skip
    rotation = forms.ChoiceField(
        label=_("Rotation"), choices=Playback.Rotation.choices,
        help_text=_("Changes the video by the calendar, the same for every viewer. Example: “A different "
                    "video every day” with three videos plays video 1 on Monday, 2 on Tuesday, 3 on "
                    "Wednesday and 1 again on Thursday."),
    )  # fmt: skip
    rotation_default_video = forms.ModelChoiceField(
        label=_("Default video (fixed rotation)"), queryset=Video.objects.none(), required=False,
        help_text=_("Plays every day with the rotation “Always the default video”."),
    )  # fmt: skip
    rotation_sequence = forms.ModelMultipleChoiceField(
        label=_("Videos in the cycle"), queryset=Video.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Daily and weekly cycles go through these in playing order."),
    )  # fmt: skip

    def __init__(self, *args: Any, videos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = {row.video.pk: row.name for row in named(videos)}  # untitled: "Video 2", as viewers see it
        for name in ("active_video", "rotation_default_video", "rotation_sequence"):
            self.fields[name].queryset = videos  # type: ignore[attr-defined]  # ModelChoiceFields
            self.fields[name].label_from_instance = lambda video: names.get(video.pk, str(video))  # type: ignore[attr-defined]


class DateRuleForm(forms.Form):
    video = forms.ModelChoiceField(label=_("Video"), queryset=Video.objects.none())
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("On this day the video plays all day, before any other rule. Example: a birthday."),
    )  # fmt: skip
    yearly = forms.BooleanField(
        label=_("Every year"), required=False, initial=True, help_text=_("Repeat on the same day every year.")
    )

    def __init__(self, *args: Any, videos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].queryset = videos  # type: ignore[attr-defined]  # a ModelChoiceField


class ScheduleForm(forms.Form):
    video = forms.ModelChoiceField(label=_("Video"), queryset=Video.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("In the company’s time zone. Example: a New Year greeting from 31 December 18:00 "
                    "to 1 January 12:00."),
    )  # fmt: skip
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    allow_overlap = forms.BooleanField(
        label=_("Allow overlapping windows"), required=False,
        help_text=_("Where windows overlap, the one that starts later plays."),
    )  # fmt: skip

    def __init__(self, *args: Any, videos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].queryset = videos  # type: ignore[attr-defined]  # a ModelChoiceField
