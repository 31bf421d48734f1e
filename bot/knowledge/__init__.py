"""The knowledge base: YAML files moderators edit in git, loaded and validated (``loader``, ``registry``
of kinds), served and reloaded with what features derive from it (``holder``); entries, sources and the
comparison table (``entries``) and the cards that show an entry or report on the knowledge (``cards``)."""
