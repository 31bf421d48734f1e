"""The mock interview: 3 to 6 drills asked one at a time in the member's DMs, each answer judged by the
drills' feedback engine, a follow-up that probes what the answer left out, and a summary that compares
the session with the previous one. Drills are chosen where the member's answers are weakest
(``bot.drills.choice``). The rules and screens are in ``engine``, the sessions and answers in ``store``,
what the front ends call in ``service``, every screen in ``cards``. The questions and follow-ups are the
drills' own (``knowledge/drills``), so the feature has no content of its own.
"""
