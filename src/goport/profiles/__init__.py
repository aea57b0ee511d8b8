"""Profiles: readers that turn profiler output into stacks, a recorder that runs py-spy, and the
join that charges measured time to the repository's modules and functions."""
