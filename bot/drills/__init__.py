"""Daily interview drills: the drill bank (a knowledge kind), schedule maths, the post ledger and poster,
and the feedback engine. Discord-free: ``cogs/drills.py``, the CLI and the shell are thin front ends."""
