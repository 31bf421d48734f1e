"""Asking: answers to members' questions from the curated knowledge base.

``search`` ranks entries (BM25 over ``bm25``, Porter stems from ``stemming``, folded PM/PO vocabulary),
``engine`` cleans a question and packages the answer, ``cards`` draws what asking shows, ``store`` keeps
what ``/kb stats`` and ``/kb gaps`` report, ``service`` is what the front ends call.
"""
