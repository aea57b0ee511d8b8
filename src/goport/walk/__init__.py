"""Facts about a file that the walk keeps once and every rule reads.

A rule declares the facts it reads (``USES = (Loops, Bindings)``, like libcst's
``METADATA_DEPENDENCIES``); ``Context.fact`` makes one instance per file, and the walker runs a
fact's hooks before any rule's hooks on the same node, so a rule always sees the fact up to date.
Before, six CPU rules each kept their own loop stack and four service rules their own bindings.
"""
