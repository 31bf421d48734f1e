"""Numbered SQL migrations, one folder per backend: ``sqlite/NNNN_name.sql`` and its twin
``postgres/NNNN_name.sql``, applied in order by the backends in :mod:`bot.storage`."""
