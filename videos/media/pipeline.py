"""The demux → decode → filter → encode → mux loop behind transcode_all().

One pass over the source feeds every rendition: each decoded picture goes through each
rendition's own filter graph and encoder, each audio frame to each AAC encoder, and the poster
frame is kept on the way. Decoding a 1080p source costs about as much as encoding its 720p
rendition, so doing it once instead of once per output is most of what there is to save.

Timestamps are the source's own, moved so the file starts at zero: variable frame rate phone
footage stays in sync with its sound, and the rendition lasts as long as the source.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer, OutputContainer
from av.filter import Graph
from av.frame import Frame
from av.packet import Packet
from av.video.frame import PictureType, VideoFrame
from av.video.stream import VideoStream

from videos.media import encoding
from videos.media.container import pick_audio_stream, require_video_stream
from videos.media.errors import TranscodeError
from videos.media.filters import drain, needs_filter, video_graph
from videos.media.probe import declared_duration
from videos.media.sizes import rendition_frame_rate

# A few damaged packets only cost a visible glitch; beyond this the video is broken.
CORRUPT_PACKETS_TOLERATED = 25
DAMAGED = (
    "The video is damaged part-way through and could not be converted. "
    "Please export it again and upload the new file."
)


@dataclass(frozen=True)
class Target:
    """One rendition to write: its file and its displayed size."""

    path: Path
    width: int
    height: int


class Pipeline:
    """All renditions of one source in one decode pass: call run() once."""

    def __init__(
        self,
        source: InputContainer,
        targets: Sequence[Target],
        *,
        rotation: int,
        expected_seconds: float,
        on_progress: Callable[[float], None],
        deadline: float | None,
        time_limit: float | None,
        poster_at: float | None = None,
    ) -> None:
        self.source = source
        self.rotation = rotation
        self.on_progress, self.deadline, self.time_limit = on_progress, deadline, time_limit
        self.video_in = require_video_stream(source)
        self.audio_in = pick_audio_stream(source)
        # Frame and slice threads, as the ffmpeg command line decodes by default.
        self.video_in.thread_type = "AUTO"
        if self.video_in.time_base is None:  # pragma: no cover - demuxers give each stream one
            raise TranscodeError(DAMAGED, "damaged")
        self.time_base: Fraction = self.video_in.time_base
        self.source_rate = self.video_in.average_rate or self.video_in.guessed_rate or Fraction(30)
        self.origin = (source.start_time or 0) / av.time_base
        # A file streamed as it was recorded (a browser's WebM) declares no duration; the probe
        # measured one.
        self.duration = declared_duration(source) or expected_seconds
        self.renditions = [_Rendition(self, target) for target in targets]
        self.poster = _PosterPick(self, poster_at) if poster_at is not None else None
        self.last_pts: int | None = None
        self.last_seen_pts: int | None = None
        self.last_dts: int | None = None
        self.faulty_pts = self.faulty_dts = 0
        self.dts_step = 1
        self.corrupt_packets = 0

    @property
    def poster_frame(self) -> VideoFrame | None:
        """The decoded frame shown nearest to ``poster_at`` (None if it was not asked for)."""
        return self.poster.best if self.poster is not None else None

    def run(self) -> list[Fraction]:
        """Write every rendition; return their frame rates, in the order of the targets."""
        try:
            with contextlib.ExitStack() as stack:
                for rendition in self.renditions:
                    rendition.open(stack)
                for packet in self._packets():
                    for frame in self._decode(packet):
                        # The video stream decodes to VideoFrames, the audio stream to AudioFrames.
                        if isinstance(frame, VideoFrame):
                            self._picture(frame)
                        elif isinstance(frame, AudioFrame):
                            self._shift(frame)
                            for rendition in self.renditions:
                                rendition.sound(frame)
                for rendition in self.renditions:
                    rendition.close()
        except (av.FFmpegError, ValueError) as error:
            raise TranscodeError(f"FFmpeg could not convert the video ({error}).", "failed") from error
        if any(rendition.frames_encoded == 0 for rendition in self.renditions):  # pragma: no cover
            raise TranscodeError(DAMAGED, "damaged")  # probe() has decoded frames of this file
        return [rendition.rate for rendition in self.renditions]

    def _picture(self, frame: VideoFrame) -> None:
        if not self._retime(frame):
            return
        if self.poster is not None:
            self.poster.offer(frame)
        for rendition in self.renditions:
            rendition.picture(frame)
        if frame.time is not None:
            self.on_progress(100 * frame.time / self.duration)

    def _packets(self) -> Iterator[Packet]:
        """The source's packets; a container that breaks off is a damaged video."""
        streams = [stream for stream in (self.video_in, self.audio_in) if stream is not None]
        packets = self.source.demux(streams)
        while True:
            self._check_deadline()
            try:
                packet = next(packets)
            except StopIteration:
                return
            except (av.FFmpegError, ValueError) as error:  # pragma: no cover - see packets_until_damage
                raise TranscodeError(DAMAGED, "damaged") from error
            yield packet

    def _decode(self, packet: Packet) -> Sequence[Frame]:
        try:
            return packet.decode()
        except (av.FFmpegError, ValueError) as error:
            self.corrupt_packets += 1
            if self.corrupt_packets > CORRUPT_PACKETS_TOLERATED:
                raise TranscodeError(DAMAGED, "damaged") from error
            return []

    def _check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise TranscodeError(
                f"Converting the video took longer than the {self.time_limit:g} s allowed, so it was stopped.",
                "time_limit",
            )

    def _shift(self, frame: Frame) -> None:
        """Move an audio frame's timestamp so the file starts at zero."""
        if frame.pts is not None and frame.time_base is not None:
            frame.pts -= round(self.origin / frame.time_base)

    def _retime(self, frame: VideoFrame) -> bool:
        """Move a video frame's timestamp so the file starts at zero. False for a frame to drop:
        one without any timestamp, or one not after the previous frame, which the encoder would
        refuse."""
        stamp = self._best_effort_timestamp(frame)
        if stamp is None:  # pragma: no cover - demuxers give every packet at least a dts
            return False
        time_base = frame.time_base or self.time_base
        frame.pts = stamp - round(self.origin / time_base)
        frame.time_base = time_base
        if self.last_pts is not None and frame.pts <= self.last_pts:
            return False
        self.last_pts = frame.pts
        return True

    def _best_effort_timestamp(self, frame: VideoFrame) -> int | None:
        """The frame's pts, unless pts have gone backwards more often than the packets' dts,
        as in AVI files with B-frames, which store no pts; then the dts. This is FFmpeg's own
        guess (guess_correct_pts), which PyAV does not expose."""
        dts = frame.dts
        if dts is None and self.last_dts is not None:
            # The frames drained from the decoder at the end carry no dts: continue the series.
            dts = self.last_dts + self.dts_step
        if dts is not None:
            if self.last_dts is not None:
                self.faulty_dts += dts <= self.last_dts
                self.dts_step = max(1, dts - self.last_dts)
            self.last_dts = dts
        if frame.pts is not None:
            self.faulty_pts += self.last_seen_pts is not None and frame.pts <= self.last_seen_pts
            self.last_seen_pts = frame.pts
            if self.faulty_pts <= self.faulty_dts or dts is None:
                return frame.pts
        return dts


class _Rendition:
    """One output of the pass: its filter graph, its encoders and its MP4 file."""

    def __init__(self, pipeline: Pipeline, target: Target) -> None:
        self.pipeline, self.target = pipeline, target
        self.width, self.height = target.width, target.height
        self.rate = rendition_frame_rate(pipeline.source_rate, target.width, target.height)
        self.retimed = self.rate != pipeline.source_rate
        self.graph: Graph | None = None
        self.graph_shape: tuple[int, int, str, int] | None = None
        self.frames_encoded = 0
        self.output: OutputContainer | None = None
        self.video: VideoStream | None = None
        self.audio: AudioStream | None = None

    def open(self, stack: contextlib.ExitStack) -> None:
        self.output = stack.enter_context(
            av.open(str(self.target.path), "w", format="mp4", options={"movflags": "+faststart"})
        )
        self.video = self._add_video(self.output)
        self.audio = self._add_audio(self.output) if self.pipeline.audio_in is not None else None

    def picture(self, frame: VideoFrame) -> None:
        self._mux(self._encode_video(self._filter(frame)))

    def sound(self, frame: AudioFrame) -> None:
        if self.audio is not None:
            self._mux(self.audio.encode(frame))

    def close(self) -> None:
        """Flush the filters and encoders; the file is finished when its container closes."""
        assert self.video is not None
        self._mux(self._encode_video(self._flush_graph()))
        self._mux(self.video.encode(None))
        if self.audio is not None:
            self._mux(self.audio.encode(None))

    def _mux(self, packets: list[Packet]) -> None:
        assert self.output is not None
        self.output.mux(packets)

    def _add_video(self, output: OutputContainer) -> VideoStream:
        stream = output.add_stream(
            "libx264", rate=self.rate, options=encoding.x264_options(self.width, self.height)
        )
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, encoding.PIXEL_FORMAT
        context = stream.codec_context
        context.time_base = self.pipeline.time_base
        context.gop_size = max(1, round(encoding.KEYFRAME_SECONDS * self.rate))
        # PyAV's default thread type is slice-only, which libx264 takes as a request for sliced
        # threads: slower and less efficient than the frame threads ffmpeg uses. thread_count
        # 0 lets x264 size its pool to the cores.
        context.thread_type = "AUTO"
        context.thread_count = 0
        return stream

    def _add_audio(self, output: OutputContainer) -> AudioStream:
        # PyAV resamples to the encoder's rate, layout and sample format, in 1024-sample
        # frames, inside encode(): mono, 5.1 or 44.1 kHz sources all come out alike.
        stream = output.add_stream(encoding.AUDIO_CODEC, rate=encoding.AUDIO_RATE)
        context = stream.codec_context
        context.layout = encoding.AUDIO_LAYOUT
        context.bit_rate = encoding.AUDIO_BITRATE
        context.time_base = Fraction(1, encoding.AUDIO_RATE)
        return stream

    def _filter(self, frame: VideoFrame) -> list[VideoFrame]:
        """The frames ready for the encoder after `frame`. A new filter graph is made whenever
        the decoded picture changes size or format: browser recordings switch resolution when
        the recording device is busy, and a graph only takes the shape it was made for."""
        ready: list[VideoFrame] = []
        shape = (frame.width, frame.height, frame.format.name, frame.color_range)
        if shape != self.graph_shape:
            ready.extend(self._flush_graph())
            self.graph_shape = shape
            rate = self.rate if self.retimed else None
            rotation = self.pipeline.rotation
            self.graph = None
            if needs_filter(frame, width=self.width, height=self.height, rotation=rotation, rate=rate):
                self.graph = video_graph(
                    frame,
                    width=self.width,
                    height=self.height,
                    rotation=rotation,
                    rate=rate,
                    sample_aspect=self.pipeline.video_in.sample_aspect_ratio,
                )
        if self.graph is None:
            return [*ready, frame]
        self.graph.vpush(frame)
        return [*ready, *drain(self.graph)]

    def _flush_graph(self) -> list[VideoFrame]:
        """The frames the filters still hold (the fps filter keeps one back) at the end."""
        if self.graph is None:
            return []
        self.graph.vpush(None)
        return drain(self.graph)

    def _encode_video(self, frames: Iterable[VideoFrame]) -> list[Packet]:
        assert self.video is not None
        packets = []
        for frame in frames:
            # Decoders label each frame I, P or B and libx264 obeys such labels: an intra-only
            # source would come out intra-only, several times larger. x264 chooses by itself.
            # (A frame shared with another rendition gets the same treatment there.)
            frame.pict_type = PictureType.NONE
            packets.extend(self.video.encode(frame))
            self.frames_encoded += 1
        return packets


class _PosterPick:
    """Keeps the decoded frame shown nearest to a moment, the way frames.frame_image() picks
    one by seeking: the first frame when the clip is not longer than that moment."""

    def __init__(self, pipeline: Pipeline, at_seconds: float) -> None:
        self.target = at_seconds if pipeline.duration > at_seconds else 0.0
        stream = pipeline.video_in
        # Offsets count from the video stream's first picture, as frame_image() counts them;
        # the retimed frames count from the container's start.
        start = (
            float(stream.start_time * pipeline.time_base)
            if stream.start_time is not None
            else pipeline.origin
        )
        self.shift = pipeline.origin - start
        self.best: VideoFrame | None = None
        self.best_offset = 0.0
        self.done = False

    def offer(self, frame: VideoFrame) -> None:
        if self.done or frame.time is None:
            return
        offset = frame.time + self.shift
        if self.best is None or abs(offset - self.target) < abs(self.best_offset - self.target):
            self.best, self.best_offset = frame, offset
        self.done = offset >= self.target
