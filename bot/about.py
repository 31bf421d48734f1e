"""The facts ``/about`` shows, shared with the shell. Never includes the token or any secret."""

from __future__ import annotations

import datetime as dt

from bot import __version__
from bot.cards import Card
from bot.services import Services


def format_duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = [f"{days}d"] if days else []
    if days or hours:
        parts.append(f"{hours}h")
    parts.append(f"{minutes}m" if days or hours or minutes else f"{seconds}s")
    return " ".join(parts)


def _from(services: Services) -> str:
    location = services.knowledge_location
    return f"\nFrom {location.path} ({location.source})" if location is not None else ""


def about_card(services: Services) -> Card:
    knowledge = services.knowledge.current
    sizes = ", ".join(f"{len(items)} {label}" for label, items in knowledge.diff_items().items())
    return Card(
        title="PM-or-PO bot",
        body=(
            "Is that Product Owner job really a Product Manager job? Ask me with `/ask`, "
            "run the three-question `/check`, practise with `/quiz` and the daily interview drill."
        ),
        fields=(
            ("Version", __version__),
            ("Knowledge", f"{sizes} in {len(knowledge.files)} files" + _from(services)),
            ("Uptime", format_duration(services.clock() - services.started_at)),
        ),
    )
