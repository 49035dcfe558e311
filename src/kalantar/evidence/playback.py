"""Who may stream which item until when: grants kept in the viewer's session after they
stated a purpose. Pure: a session is a dict of plain values here, tested without Django."""

from __future__ import annotations

from datetime import datetime, timedelta

SESSION_KEY = "evidence_playback"
# Long enough to watch a shift's recording; a new purpose is asked after it.
GRANT = timedelta(hours=1)
PURPOSE_MIN, PURPOSE_MAX = 5, 300


def grant(session: dict, item_pk: int, now: datetime) -> datetime:
    """Let the session's user stream `item_pk` until an hour from `now`; returns when."""
    until = now + GRANT
    grants = {k: v for k, v in session.get(SESSION_KEY, {}).items() if v > now.timestamp()}
    grants[str(item_pk)] = until.timestamp()
    session[SESSION_KEY] = grants
    return until


def granted(session, item_pk: int, now: datetime) -> bool:
    """Whether the session's user stated a purpose for `item_pk` and the grant still runs."""
    until = session.get(SESSION_KEY, {}).get(str(item_pk))
    return until is not None and until > now.timestamp()


def is_playable(content_type: str) -> bool:
    return content_type.startswith(("video/", "audio/")) or content_type == (
        "application/x-matroska"
    )
