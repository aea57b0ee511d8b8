"""``python -m goport``."""

from __future__ import annotations

from goport.cli import main

if __name__ == "__main__":
    main()
