"""Configuration: ``config.yaml`` on top of defaults that work, the token from the environment only.

Every problem is reported as one sentence naming the key and what was expected, because the person
reading it is a moderator editing YAML, not a Python developer reading a traceback.

The knowledge folder and the database have defaults that work wherever the bot runs (see
:meth:`Config.knowledge_location` and :meth:`Config.database_location`): in a checkout, its own
``knowledge/`` and ``data/``; installed with pip, the knowledge shipped inside the package and a database
in the user's data folder.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.documents import syntax_problem

TOKEN_ENV = "DISCORD_TOKEN"
#: A PostgreSQL URL from the environment, used when ``database.url`` is not in the file (passwords stay out of it).
DATABASE_URL_ENV = "DATABASE_URL"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
DEFAULT_CONFIG_FILE = "config.yaml"
DATABASE_FILE = "pmpo.sqlite3"
#: Replaces the database file's suffix to name the file of its vectors beside it (``bot.ask.embedding_cache``).
EMBEDDINGS_SUFFIX = ".embeddings.npz"
#: The folder (in the working directory or a checkout) that holds the knowledge moderators edit.
KNOWLEDGE_FOLDER = "knowledge"
#: The package folder the installed copy of the knowledge is built into (``package-dir`` in pyproject.toml).
PACKAGE = Path(__file__).resolve().parent
SHIPPED_KNOWLEDGE = PACKAGE / "shipped_knowledge"


class ConfigError(Exception):
    """A configuration problem the user can fix; the message is shown as-is, without a traceback."""


@dataclass(frozen=True)
class DatabaseConfig:
    #: None: see :meth:`Config.database_location`.
    path: str | None = None
    #: ``postgresql://user@host/db``: PostgreSQL instead of the SQLite file at ``path`` (several processes).
    url: str | None = None


@dataclass(frozen=True)
class KnowledgeConfig:
    #: None: see :meth:`Config.knowledge_location`.
    path: str | None = None


@dataclass(frozen=True)
class Location:
    """A folder or file the bot uses, and why that one: the log and ``/about`` show both."""

    path: Path
    source: str

    def __str__(self) -> str:
        return f"{self.path} ({self.source})"


@dataclass(frozen=True)
class LoggingConfig:
    level: str = "INFO"


@dataclass(frozen=True)
class DiscordConfig:
    api_base_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    shard_count: int | None = None
    shard_ids: list[int] | None = None
    sync_commands: bool = True


@dataclass(frozen=True)
class ModerationConfig:
    owner_ids: list[int] = field(default_factory=list)
    moderator_role_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class AskConfig:
    cooldown_seconds: float = 15.0
    max_question_length: int = 300
    unanswered_retention_days: int = 90
    #: The file keeping the knowledge base's vectors between starts; None: see :meth:`Config.embedding_cache_location`.
    embedding_cache: str | None = None


@dataclass(frozen=True)
class CheckConfig:
    session_ttl_hours: float = 24.0


@dataclass(frozen=True)
class QuizConfig:
    session_ttl_minutes: float = 60.0


@dataclass(frozen=True)
class DrillsConfig:
    grace_hours: float = 6.0
    poll_seconds: float = 30.0
    max_answer_length: int = 1500


@dataclass(frozen=True)
class InterviewConfig:
    session_ttl_minutes: float = 60.0


@dataclass(frozen=True)
class CurationConfig:
    #: Server ids whose moderators may edit the knowledge folder from Discord (/kb gaps' actions, /kb undo).
    #: Every server the bot is in shares that folder; empty: no server may (``pmpo-bot kb`` always may).
    edit_servers: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Config:
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    moderation: ModerationConfig = field(default_factory=ModerationConfig)
    ask: AskConfig = field(default_factory=AskConfig)
    check: CheckConfig = field(default_factory=CheckConfig)
    quiz: QuizConfig = field(default_factory=QuizConfig)
    drills: DrillsConfig = field(default_factory=DrillsConfig)
    interview: InterviewConfig = field(default_factory=InterviewConfig)
    curation: CurationConfig = field(default_factory=CurationConfig)

    @property
    def database_path(self) -> Path:
        return self.database_location().path

    @property
    def knowledge_path(self) -> Path:
        return self.knowledge_location().path

    def knowledge_location(self, explicit: str | None = None) -> Location:
        """The knowledge folder: ``explicit`` (``--knowledge``), else ``knowledge.path``, else ``./knowledge``
        in the working directory, else the copy shipped with the bot (so an installed bot works anywhere).

        A folder someone named that does not exist is a :class:`ConfigError` naming the setting, rather
        than quietly falling back to another one.
        """
        for given, setting in ((explicit, "--knowledge"), (self.knowledge.path, "the config key 'knowledge.path'")):
            if given is not None:
                folder = Path(given)
                if not folder.is_dir():
                    raise ConfigError(
                        f"the knowledge folder {folder.resolve()} does not exist (set by {setting}); "
                        "fix the path, or leave it out to use ./knowledge or the knowledge shipped with the bot"
                    )
                return Location(folder, "set by --knowledge" if explicit is not None else "set by knowledge.path")
        if Path(KNOWLEDGE_FOLDER).is_dir():
            return Location(Path(KNOWLEDGE_FOLDER), "the working directory's knowledge folder")
        checkout = checkout_root()
        if checkout is not None:
            return Location(checkout / KNOWLEDGE_FOLDER, "the checkout's knowledge folder")
        return Location(SHIPPED_KNOWLEDGE, "shipped with the bot")

    def database_location(self) -> Location:
        """The SQLite file: ``database.path``, else ``data/pmpo.sqlite3`` in the checkout the bot runs from, or
        in the working directory if one is there already (where earlier versions put it), else in the user's
        data folder (``$XDG_DATA_HOME/pmpo-bot``, by default ``~/.local/share/pmpo-bot``)."""
        if self.database.path is not None:
            return Location(Path(self.database.path), "set by database.path")
        checkout = checkout_root()
        if checkout is not None:
            return Location(checkout / "data" / DATABASE_FILE, "in the checkout's data folder")
        here = Path("data") / DATABASE_FILE
        if here.is_file():
            return Location(here, "in the working directory's data folder")
        data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Location(Path(data_home) / "pmpo-bot" / DATABASE_FILE, "in the user's data folder")

    def embedding_cache_location(self) -> Location:
        """The file of the knowledge base's vectors (``bot.ask.embedding_cache``): ``ask.embedding_cache``, else
        beside the SQLite file (``data/pmpo.embeddings.npz`` by default). With PostgreSQL, beside where the
        SQLite file would be: the vectors are this host's, not data to share (see that module)."""
        if self.ask.embedding_cache is not None:
            return Location(Path(self.ask.embedding_cache), "set by ask.embedding_cache")
        database = self.database_location()
        return Location(database.path.with_suffix(EMBEDDINGS_SUFFIX), f"beside the database file, {database.source}")


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def load_config(path: str | Path | None = None, *, overrides: Mapping[str, Any] | None = None) -> Config:
    """Build the configuration from defaults, an optional YAML file and in-code overrides (tests)."""
    data: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"config file {file} does not exist (copy config.example.yaml to start one)")
        data = _read_yaml(file)
    if overrides:
        data = _merge(data, overrides)
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env and not (isinstance(data.get("database"), Mapping) and data["database"].get("url")):
        data = _merge(data, {"database": {"url": from_env}})
    config = _build(Config, data, "")
    _check_values(config)
    return config


def default_config_path(explicit: str | None) -> str | None:
    """The file named with ``--config``, else ``./config.yaml`` when present: running needs no file at all."""
    if explicit is not None:
        return explicit
    return DEFAULT_CONFIG_FILE if Path(DEFAULT_CONFIG_FILE).is_file() else None


def checkout_root() -> Path | None:
    """The source checkout this code runs from (an editable install or ``PYTHONPATH``), or None when installed.

    An installed copy has its knowledge built in (:data:`SHIPPED_KNOWLEDGE`); a checkout has the folder
    moderators edit next to the package, and keeps its database in its own ``data/`` folder.
    """
    root = PACKAGE.parent
    if SHIPPED_KNOWLEDGE.is_dir() or not (root / "pyproject.toml").is_file():
        return None
    return root if (root / KNOWLEDGE_FOLDER).is_dir() else None


def discord_token() -> str | None:
    """The bot token, from the environment only, so it never lands in a file under git."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    return token or None


def _read_yaml(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(str(syntax_problem(exc, text, str(file)))) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: invalid YAML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise ConfigError(f"cannot read config file {file}: {reason}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: the top level must be a mapping of sections (database:, discord:, ...)")
    if "token" in data or any(isinstance(v, dict) and "token" in v for v in data.values()):
        raise ConfigError(f"{file}: 'token' must not be in the config file; set the {TOKEN_ENV} environment variable")
    return data


def _merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(cls: type[Any], data: Any, prefix: str) -> Any:
    if not isinstance(data, Mapping):
        where = f"config key '{prefix.rstrip('.')}'" if prefix else "the top level"
        raise ConfigError(f"{where}: expected a mapping of keys, got {_describe(data)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    for key in data:
        if key not in fields:
            allowed = ", ".join(sorted(fields))
            raise ConfigError(f"unknown config key '{prefix}{key}' (allowed here: {allowed})")
    values: dict[str, Any] = {}
    for name, value in data.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            values[name] = _build(typing.cast(type[Any], hint), value, f"{prefix}{name}.")
        else:
            values[name] = _coerce(value, hint, f"{prefix}{name}")
    return cls(**values)


def _coerce(value: Any, hint: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], key)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"config key '{key}': expected a list, got {_describe(value)}")
        return [_coerce(item, args[0], f"{key}[{i}]") for i, item in enumerate(value)]
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"config key '{key}': expected true or false, got {_describe(value)}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"config key '{key}': expected a whole number, got {_describe(value)}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"config key '{key}': expected a number, got {_describe(value)}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"config key '{key}': expected text, got {_describe(value)}")
        return value
    raise TypeError(f"unsupported config type {hint!r} for {key}")


def redact_password(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``: how a database URL is ever shown or logged."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def parse_shards(text: str) -> list[int]:
    """Shard ids written as a range list, ``"0-3"``, ``"4"`` or ``"0-1,6"`` (for ``pmpo-bot run --shards``)."""
    ids: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise ConfigError(f"shards '{text}': expected ids or ranges such as 0-3 or 0-1,6") from None
        if low > high:
            raise ConfigError(f"shards '{text}': the range {part.strip()} runs backwards")
        ids.extend(i for i in range(low, high + 1) if i not in ids)
    return ids


def with_shards(config: Config, shard_ids: list[int] | None, shard_count: int | None) -> Config:
    """``config`` running the given shards (from ``pmpo-bot run --shards … --shard-count …``), checked as the
    file's ``discord.shard_ids`` and ``discord.shard_count`` are."""
    discord = dataclasses.replace(
        config.discord,
        shard_ids=shard_ids if shard_ids is not None else config.discord.shard_ids,
        shard_count=shard_count if shard_count is not None else config.discord.shard_count,
    )
    changed = dataclasses.replace(config, discord=discord)
    _check_values(changed)
    return changed


def _check_values(config: Config) -> None:
    level = config.logging.level.upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"config key 'logging.level': expected one of {', '.join(LOG_LEVELS)}, got '{level}'")
    for key, url, schemes in (
        ("discord.api_base_url", config.discord.api_base_url, ("http://", "https://")),
        ("discord.gateway_url", config.discord.gateway_url, ("ws://", "wss://")),
    ):
        if not url.startswith(schemes):
            raise ConfigError(f"config key '{key}': expected a URL starting with {' or '.join(schemes)}, got '{url}'")
    database_url = config.database.url
    if database_url is not None and not database_url.startswith(POSTGRES_SCHEMES):
        raise ConfigError(
            f"config key 'database.url' (or {DATABASE_URL_ENV}): expected a URL starting with postgresql://, "
            f"got '{redact_password(database_url)}'"
        )
    discord = config.discord
    if discord.shard_ids is not None and discord.shard_count is None:
        raise ConfigError("config key 'discord.shard_ids': needs 'discord.shard_count' to be set as well")
    if discord.shard_count is not None:
        if discord.shard_count < 1:
            raise ConfigError("config key 'discord.shard_count': expected a whole number of at least 1")
        bad = [i for i in discord.shard_ids or [] if not 0 <= i < discord.shard_count]
        if bad:
            raise ConfigError(
                f"config key 'discord.shard_ids': ids must be between 0 and {discord.shard_count - 1}, got {bad}"
            )
    positive = {
        "ask.cooldown_seconds": config.ask.cooldown_seconds,
        "ask.max_question_length": config.ask.max_question_length,
        "ask.unanswered_retention_days": config.ask.unanswered_retention_days,
        "check.session_ttl_hours": config.check.session_ttl_hours,
        "quiz.session_ttl_minutes": config.quiz.session_ttl_minutes,
        "drills.poll_seconds": config.drills.poll_seconds,
        "drills.max_answer_length": config.drills.max_answer_length,
        "interview.session_ttl_minutes": config.interview.session_ttl_minutes,
    }
    for key, number in positive.items():
        if number <= 0:
            raise ConfigError(f"config key '{key}': expected a number above 0, got {number}")
    cache = config.ask.embedding_cache
    if cache is not None and not cache.strip():
        raise ConfigError(
            "config key 'ask.embedding_cache': expected the path of a file, or null (beside the database)"
        )
    if cache is not None and Path(cache).is_dir():
        raise ConfigError(
            f"config key 'ask.embedding_cache': {cache} is a folder; expected the path of a file, "
            f"such as {Path(cache) / ('pmpo' + EMBEDDINGS_SUFFIX)}"
        )
    not_ids = [i for i in config.curation.edit_servers if i <= 0]
    if not_ids:
        raise ConfigError(
            "config key 'curation.edit_servers': expected Discord server ids (with Developer Mode on, "
            f"right-click the server › Copy Server ID), got {not_ids}"
        )
    if config.drills.grace_hours < 0:
        raise ConfigError(f"config key 'drills.grace_hours': expected 0 or more, got {config.drills.grace_hours}")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (true/false)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}' ({type(value).__name__})"
