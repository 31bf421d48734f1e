"""Curation: moderators turn unanswered questions into answers from Discord, with YAML and git the record.

``grouping`` groups the unanswered questions that ask the same thing and proposes the closest entries;
``engine`` holds the values (gaps, members' signals and the candidates they make, edits) and the rules
that need no database; ``yaml_edit`` inserts into a knowledge file's text without touching another byte;
``files`` validates the whole knowledge folder with the edit in place and writes it atomically; ``git``
commits it; ``cards`` draws ``/kb gaps``, ``/kb history`` and an edit's outcome; ``store`` keeps the
handled questions and the edit history; ``service`` is what ``/kb``, the shell and ``pmpo-bot kb`` call.
"""
