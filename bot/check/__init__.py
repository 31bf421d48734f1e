"""The three-question check: content and validation, the rule engine, and check sessions in SQLite.

Discord-free, so the cog, the shell and ``pmpo-bot check`` all run the same flow and verdicts.
"""
