"""Demo content for the viewer API's demo_1 … demo_5 (created by `manage.py seed_demo`).

Each demo is real content made through the same services as a customer's: a generated,
well-trackable photo (bold random shapes: many corners for the tracker, nothing like
another demo), a short generated clip, the marker pipeline, then publishing. The photos are
printable from the portal like any content, so a phone can be pointed at them.
"""

from __future__ import annotations

import io
import random
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from django.db import transaction
from PIL import Image, ImageDraw

from arcontent.models import ARContent
from arcontent.services import content_create, content_input, content_publish, publish_blockers
from companies.actors import Actor
from companies.models import Company
from projects.models import Project
from videos.services import video_create

DEMO_PROJECT_NAME = "Demo"


@dataclass(frozen=True)
class Demo:
    slot: int
    title: str
    colour: tuple[int, int, int]


DEMOS = (
    Demo(1, "Wedding day", (200, 60, 80)),
    Demo(2, "First birthday", (240, 170, 30)),
    Demo(3, "Graduation", (40, 110, 200)),
    Demo(4, "Family holiday", (30, 160, 110)),
    Demo(5, "In memory", (120, 90, 170)),
)


def demo_photo(slot: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A photo-like image with strong, unique texture (seeded by the slot)."""
    rng = random.Random(f"arvlite-demo-{slot}")  # noqa: S311 - a picture, not a secret
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(260):
        x, y = rng.randrange(width), rng.randrange(height)
        extent = rng.randrange(12, 140)
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        box = (x, y, x + extent, y + rng.randrange(12, 140))
        shape = rng.randrange(3)
        if shape == 0:
            draw.rectangle(box, fill=fill, outline=(0, 0, 0), width=3)
        elif shape == 1:
            draw.ellipse(box, fill=fill, outline=(255, 255, 255), width=3)
        else:
            draw.polygon([(x, y), (x + extent, y + extent // 3), (x + extent // 2, y + extent)], fill=fill)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def demo_clip(demo: Demo, seconds: float = 4.0, size: tuple[int, int] = (640, 480), fps: int = 25) -> bytes:
    """A short H.264 clip: the demo's colour, a sweeping bright band and a pulsing disc."""
    width, height = size
    columns = np.arange(width)[None, :]
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "demo.mp4"
        with av.open(str(path), "w") as output:
            stream = output.add_stream("libx264", rate=fps, options={"preset": "veryfast", "crf": "28"})
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            stream.time_base = Fraction(1, fps)
            for index in range(int(seconds * fps)):
                frame = np.empty((height, width, 3), dtype=np.uint8)
                frame[:] = demo.colour
                band = np.abs(columns - (index * 9) % width) < 40
                frame[np.broadcast_to(band, (height, width))] = (250, 250, 250)
                radius = 40 + 30 * abs(np.sin(index / 8))
                yy, xx = np.ogrid[:height, :width]
                frame[(yy - height / 2) ** 2 + (xx - width / 2) ** 2 < radius**2] = (20, 20, 20)
                for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                    output.mux(packet)
            for packet in stream.encode():
                output.mux(packet)
        return path.read_bytes()


def ensure_demo_content(*, company: Company, actor: Actor) -> list[ARContent]:
    """Create the missing demo contents (slots already taken are kept) and publish those
    whose marker is ready. With Celery workers the pipeline runs later: run the command
    again once they are done to publish."""
    project, _ = Project.objects.get_or_create(company=company, name=DEMO_PROJECT_NAME)
    contents = []
    for demo in DEMOS:
        content = ARContent.objects.filter(demo_slot=demo.slot).first()
        if content is None:
            content = _create(company, project, demo, actor)
        content.refresh_from_db()
        if content.status in (ARContent.Status.READY, ARContent.Status.PAUSED) and not publish_blockers(
            content
        ):
            content = content_publish(content=content, actor=actor)
        contents.append(content)
    return contents


def _create(company: Company, project: Project, demo: Demo, actor: Actor) -> ARContent:
    data = content_input(
        project=project,
        values={"print_width_cm": 15, "print_height_cm": 10, "term_years": 5, "customer_name": demo.title},
    )
    with transaction.atomic():
        content = content_create(
            company=company, actor=actor, data=data, photo=io.BytesIO(demo_photo(demo.slot)),
            photo_name=f"demo-{demo.slot}.jpg",
        )  # fmt: skip
        content.demo_slot = demo.slot
        content.save(update_fields=["demo_slot"])  # through save: drops a cached "not found"
        video_create(
            content=content, actor=actor, upload=io.BytesIO(demo_clip(demo)), filename=f"demo-{demo.slot}.mp4",
            title=demo.title,
        )  # fmt: skip
    return content
