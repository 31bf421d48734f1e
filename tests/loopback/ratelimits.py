"""429 answers: injected on demand for chosen routes, or from an optional global limiter.

Headers and body follow Discord (topics/rate-limits). discord.py insists on the ``Via`` header, or
it treats a 429 as a Cloudflare ban and raises instead of retrying.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque
from dataclasses import dataclass


@dataclass
class _Injection:
    method: str
    pattern: re.Pattern[str]
    remaining: int
    retry_after: float
    is_global: bool


@dataclass(frozen=True)
class RateLimitReply:
    retry_after: float
    is_global: bool
    bucket: str

    @property
    def body(self) -> dict[str, object]:
        return {"message": "You are being rate limited.", "retry_after": self.retry_after, "global": self.is_global}

    @property
    def headers(self) -> dict[str, str]:
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(self.retry_after)),
            "X-RateLimit-Scope": "global" if self.is_global else "user",
        }
        if self.is_global:
            headers["X-RateLimit-Global"] = "true"
        else:
            headers.update(
                {
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{time.time() + self.retry_after:.3f}",
                    "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
                    "X-RateLimit-Bucket": self.bucket,
                }
            )
        return headers


class RateLimiter:
    def __init__(self, global_per_second: int | None) -> None:
        self._global_per_second = global_per_second
        self._recent: deque[float] = deque()
        self._injections: list[_Injection] = []
        self.limited: list[tuple[str, str]] = []

    def inject(self, method: str, path_regex: str, *, count: int, retry_after: float, is_global: bool) -> None:
        self._injections.append(_Injection(method.upper(), re.compile(path_regex), count, retry_after, is_global))

    def check(self, method: str, path: str, *, exempt_from_global: bool) -> RateLimitReply | None:
        """The 429 for this request, if any. ``path`` is relative to /api/v10."""
        for injection in self._injections:
            if injection.remaining and injection.method == method and injection.pattern.search(path):
                injection.remaining -= 1
                self.limited.append((method, path))
                return RateLimitReply(
                    injection.retry_after, injection.is_global, f"loopback-{injection.pattern.pattern}"
                )
        if self._global_per_second is None or exempt_from_global:
            return None
        moment = time.monotonic()
        while self._recent and moment - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self._global_per_second:
            self.limited.append((method, path))
            return RateLimitReply(round(1.0 - (moment - self._recent[0]), 3), True, "global")
        self._recent.append(moment)
        return None
