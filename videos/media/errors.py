"""The two ways media processing says no: the upload itself is unusable (the studio user must
send another file), or producing a rendition failed (the job is marked failed)."""

from __future__ import annotations


class VideoRejectedError(Exception):
    """The uploaded file cannot be accepted as a video.

    `message` is a complete English sentence for the studio user; `code` is stable for
    programs: empty, not_a_video, undecodable, no_video_stream, too_many_streams, one_frame,
    too_long, truncated.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class TranscodeError(Exception):
    """A rendition could not be produced from an accepted video.

    `code` is one of: time_limit (the job ran out of its time budget), damaged (the video
    breaks part-way through), failed (FFmpeg refused for another reason).
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# Shared by every module that opens an upload, so the user reads the same words whichever step
# found the problem.
EMPTY = "The file is empty. Please choose the video and upload it again."
NO_VIDEO_STREAM = "The file has no picture, only sound or data. Please upload a video."
NOT_A_VIDEO = "This file is not a video we can read. Please upload an MP4, MOV, WebM or MKV video."
UNDECODABLE = (
    "The video is damaged or uses a format we cannot play back, so no picture could be read from it. "
    "Please export it again as MP4 (H.264) and upload it again."
)
TRUNCATED = (
    "The video file is incomplete: it stops part-way, usually because an upload or a copy was "
    "interrupted. Please upload the complete file again."
)
ONE_FRAME = (
    "The video has only one frame: it is a still picture, so there is nothing to play. "
    "Please upload a video that runs for at least a moment."
)
TOO_MANY_STREAMS = (
    "The video file holds far more tracks than a video needs. Please export it again as MP4 "
    "(H.264) with one picture and one sound track."
)
