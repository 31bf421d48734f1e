"""The three-question check: on a job title, in the member's DMs (or the shell), ending in a verdict.

``content`` holds the check as typed objects and ``kind`` reads and validates ``knowledge/check.yaml``
into them; ``rules`` and ``engine`` decide the verdict and hold a session's states; ``cards`` draws
them; ``store`` keeps the sessions; ``service`` is what the front ends call. Discord-free, so the cog,
the shell and ``pmpo-bot check`` all run the same flow and verdicts.
"""
