"""Privacy: what the bot stores about a member (``/privacy show``), and forgetting it (``/privacy forget``).

Relies on the storage convention that every table with member data has a ``user_id`` column (child
rows cascade), so a feature added later is covered without touching this package.
"""
