"""The Discord side's runner: the ``commands.Bot`` that loads the cogs, and the ``pmpo-bot`` command.

Together with ``cogs/`` this is all the code that imports discord. It depends on the core in ``bot/``,
never the other way round: the core stays usable from the shell, the CLI and the tests without Discord.
"""
