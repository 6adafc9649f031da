from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from videos.models import Playback, Video


class PlaybackForm(forms.Form):
    mode = forms.ChoiceField(label=_("Playback mode"), choices=Playback.Mode.choices)
    active_video = forms.ModelChoiceField(
        label=_("Active video"), queryset=Video.objects.none(), required=False
    )
    rotation = forms.ChoiceField(label=_("Rotation"), choices=Playback.Rotation.choices)
    rotation_default_video = forms.ModelChoiceField(
        label=_("Default video (fixed rotation)"), queryset=Video.objects.none(), required=False
    )
    rotation_sequence = forms.ModelMultipleChoiceField(
        label=_("Videos in the cycle"), queryset=Video.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("Daily and weekly cycles go through these in playing order."),
    )  # fmt: skip

    def __init__(self, *args: Any, videos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("active_video", "rotation_default_video", "rotation_sequence"):
            self.fields[name].queryset = videos  # type: ignore[attr-defined]  # ModelChoiceFields


class DateRuleForm(forms.Form):
    video = forms.ModelChoiceField(label=_("Video"), queryset=Video.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    yearly = forms.BooleanField(label=_("Every year"), required=False, initial=True)

    def __init__(self, *args: Any, videos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].queryset = videos  # type: ignore[attr-defined]  # a ModelChoiceField


class ScheduleForm(forms.Form):
    video = forms.ModelChoiceField(label=_("Video"), queryset=Video.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    allow_overlap = forms.BooleanField(label=_("Allow overlapping windows"), required=False)

    def __init__(self, *args: Any, videos: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["video"].queryset = videos  # type: ignore[attr-defined]  # a ModelChoiceField
