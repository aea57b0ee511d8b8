"""``python -m goport``.

Python has already imported ``runpy`` from the working folder by now; see ``goport.isolation``
for why the ``goport`` command or ``python -P -m goport`` is the safe way to start goport inside
a repository you do not trust. What goport imports from here on never comes from that folder.
"""

from __future__ import annotations

from goport.isolation import clean_sys_path

clean_sys_path()

from goport.cli import main  # after the import path is cleaned

if __name__ == "__main__":
    main()
