"""Numbered SQL migrations (``NNNN_name.sql``), applied in order by the backends in :mod:`bot.storage`."""
