"""The demux → decode → filter → encode → mux loop behind transcode().

Timestamps are the source's own, moved so the file starts at zero: variable frame rate phone
footage stays in sync with its sound, and the rendition lasts as long as the source.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
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


class Pipeline:
    """One rendition of one source: call run() once."""

    def __init__(
        self,
        source: InputContainer,
        target: Path,
        *,
        width: int,
        height: int,
        rotation: int,
        expected_seconds: float,
        on_progress: Callable[[float], None],
        deadline: float | None,
        time_limit: float | None,
    ) -> None:
        self.source, self.target = source, target
        self.width, self.height, self.rotation = width, height, rotation
        self.on_progress, self.deadline, self.time_limit = on_progress, deadline, time_limit
        self.video_in = require_video_stream(source)
        self.audio_in = pick_audio_stream(source)
        # Frame and slice threads, as the ffmpeg command line decodes by default.
        self.video_in.thread_type = "AUTO"
        if self.video_in.time_base is None:  # pragma: no cover - demuxers give each stream one
            raise TranscodeError(DAMAGED, "damaged")
        self.time_base: Fraction = self.video_in.time_base
        self.source_rate = self.video_in.average_rate or self.video_in.guessed_rate or Fraction(30)
        self.rate = rendition_frame_rate(self.source_rate, width, height)
        self.retimed = self.rate != self.source_rate
        self.origin = (source.start_time or 0) / av.time_base
        # A file streamed as it was recorded (a browser's WebM) declares no duration; the probe
        # measured one.
        self.duration = declared_duration(source) or expected_seconds
        self.graph: Graph | None = None
        self.graph_shape: tuple[int, int, str, int] | None = None
        self.last_pts: int | None = None
        self.last_seen_pts: int | None = None
        self.last_dts: int | None = None
        self.faulty_pts = self.faulty_dts = 0
        self.dts_step = 1
        self.frames_encoded = 0
        self.corrupt_packets = 0

    def run(self) -> Fraction:
        """Write the rendition; return its frame rate."""
        try:
            with av.open(str(self.target), "w", format="mp4", options={"movflags": "+faststart"}) as output:
                video = self._add_video(output)
                audio = self._add_audio(output) if self.audio_in is not None else None
                for packet in self._packets():
                    for frame in self._decode(packet):
                        # The video stream decodes to VideoFrames, the audio stream to AudioFrames.
                        if isinstance(frame, VideoFrame):
                            output.mux(self._encode_video(video, self._filter(frame)))
                        elif audio is not None and isinstance(frame, AudioFrame):
                            self._shift(frame)
                            output.mux(audio.encode(frame))
                output.mux(self._encode_video(video, self._flush_graph()))
                output.mux(video.encode(None))
                if audio is not None:
                    output.mux(audio.encode(None))
        except (av.FFmpegError, ValueError) as error:
            raise TranscodeError(f"FFmpeg could not convert the video ({error}).", "failed") from error
        if self.frames_encoded == 0:  # pragma: no cover - probe() has decoded frames of this file
            raise TranscodeError(DAMAGED, "damaged")
        return self.rate

    def _add_video(self, output: OutputContainer) -> VideoStream:
        stream = output.add_stream(
            "libx264", rate=self.rate, options=encoding.x264_options(self.width, self.height)
        )
        stream.width, stream.height, stream.pix_fmt = self.width, self.height, encoding.PIXEL_FORMAT
        context = stream.codec_context
        context.time_base = self.time_base
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

    def _filter(self, frame: VideoFrame) -> list[VideoFrame]:
        """The frames ready for the encoder after `frame`. A new filter graph is made whenever
        the decoded picture changes size or format: browser recordings switch resolution when
        the recording device is busy, and a graph only takes the shape it was made for."""
        if not self._retime(frame):
            return []
        ready: list[VideoFrame] = []
        shape = (frame.width, frame.height, frame.format.name, frame.color_range)
        if shape != self.graph_shape:
            ready.extend(self._flush_graph())
            self.graph_shape = shape
            rate = self.rate if self.retimed else None
            self.graph = None
            if needs_filter(frame, width=self.width, height=self.height, rotation=self.rotation, rate=rate):
                self.graph = video_graph(
                    frame,
                    width=self.width,
                    height=self.height,
                    rotation=self.rotation,
                    rate=rate,
                    sample_aspect=self.video_in.sample_aspect_ratio,
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

    def _encode_video(self, stream: VideoStream, frames: Iterable[VideoFrame]) -> list[Packet]:
        packets = []
        for frame in frames:
            # Decoders label each frame I, P or B and libx264 obeys such labels: an intra-only
            # source would come out intra-only, several times larger. x264 chooses by itself.
            frame.pict_type = PictureType.NONE
            packets.extend(stream.encode(frame))
            self.frames_encoded += 1
            if frame.time is not None:
                self.on_progress(100 * frame.time / self.duration)
        return packets
