"""The to-do inbox (docs/inbox.md): what the records say each user owes, computed for every user at once.

``items`` holds the item and the source interface, ``sources/`` one small module per kind of item (registered
in ``sources/__init__.py``, the one place), ``compute`` hands the items to the users whose role and subtree
they concern, ``channels`` sends the daily digest (email first; the channel is chosen in settings)."""
