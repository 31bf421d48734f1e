"""Daily interview drills: the drill bank (``content``, read and validated by ``kind``), the feedback
engine (``cues``, ``feedback``), which drill a member should practise next (``choice``), schedule maths
(``schedule``), the state and rules of schedules, posts and streaks (``engine``), the post ledger
(``store``) and its exactly-once ``poster``, the ``cards`` and the ``service``. Discord-free:
``cogs/drills.py``, the CLI and the shell are thin front ends."""
