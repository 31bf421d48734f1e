"""Reading a real job posting for the three-question check (issue #15).

The reader turns an ad into the check's answers, each with the ad's own sentences as evidence, using
phrases moderators keep in ``knowledge/check-posting.yaml`` (kind ``posting``). Discord-free: the CLI
(``pmpo-bot check --posting``) and, later, the shell and the Discord flow all read ads through it.

- ``segments``: the ad cut into sentences and clauses, with headings and boilerplate marked.
- ``rules``: the YAML's phrases as typed, compiled objects.
- ``reader``: sentences in, answers, context and evidence out.
- ``verdict``: a reading mapped onto the existing check and its verdict engine.
- ``intake``: what text is accepted as an ad.
- ``kind``: the ``posting`` knowledge kind and its validator.
"""
