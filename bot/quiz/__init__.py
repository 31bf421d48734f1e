"""The quiz: multiple-choice questions about PM vs PO, played in Discord DMs or the shell.

``content`` is the question bank and ``kind`` reads and validates it (``knowledge/quiz/*.yaml``),
``engine`` holds the pure rules (which questions to ask, scoring, the summary), ``store`` the SQL,
``service`` what the front ends call and ``cards`` the text they show, so Discord and the shell play
exactly the same quiz.
"""
