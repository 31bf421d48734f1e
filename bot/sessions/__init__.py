"""What every member session with steps shares (a quiz, a mock interview): one active per member, idle
ones expire, and starting another while one is going asks the member to continue it or abandon it.

``engine`` holds the values and the expiry rule, ``cards`` the "you already have one going" card and its
two choices, ``lifecycle`` the start, expiry and ownership steps a feature's service runs against its own
store. A feature keeps its own tables and SQL; its store only has to answer ``lifecycle.Rows``.
"""
