"""Device type, OS and browser (or app) from a User-Agent, with ua-parser's regexes.

Parsing costs a fraction of a millisecond, so it happens when buffered views are flushed,
never on the scan itself; the cache covers the few distinct agents a batch holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ua_parser import parse

# HTTP stacks that native apps send instead of a browser's agent.
_APP_STACKS = ("okhttp", "cfnetwork", "dalvik", "alamofire", "dart", "arvlite", "arv-viewer")
_TABLET_HINTS = ("ipad", "tablet", "kindle", "silk/", "playbook")


@dataclass(frozen=True, slots=True)
class Agent:
    device_type: str  # mobile, tablet, desktop, bot or other
    os: str
    browser: str
    is_app: bool


@lru_cache(maxsize=2048)
def classify(user_agent: str) -> Agent:
    text = user_agent.strip()
    if not text:
        return Agent("other", "", "", False)
    lowered = text.lower()
    result = parse(text)
    browser = result.user_agent.family if result.user_agent else ""
    os_name = result.os.family if result.os else ""
    device = result.device.family if result.device else ""
    is_app = any(stack in lowered for stack in _APP_STACKS)
    if device == "Spider" or any(word in lowered for word in ("bot", "crawler", "spider", "headlesschrome")):
        kind = "bot"
    elif any(hint in lowered for hint in _TABLET_HINTS) or ("android" in lowered and "mobile" not in lowered):
        kind = "tablet" if "android" in lowered or "ipad" in lowered or "tablet" in lowered else "mobile"
    elif "mobi" in lowered or "iphone" in lowered or os_name in ("iOS", "Android"):
        kind = "mobile"
    elif os_name in ("Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "Fedora"):
        kind = "desktop"
    else:
        kind = "other"
    if browser == "Other":
        browser = ""
    if os_name == "Other":
        os_name = ""
    return Agent(kind, os_name[:40], browser[:60], is_app)
