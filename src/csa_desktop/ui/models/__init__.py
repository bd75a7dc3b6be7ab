"""Item models (tables, lists, trees) with named custom roles."""
