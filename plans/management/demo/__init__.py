"""Content of the `seed_demo` county: agencies, people, schools and the text of their plans."""
