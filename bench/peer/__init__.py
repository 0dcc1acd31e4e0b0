"""The bare Django peer of the benchmark: one page listing 50 rows with select_related."""
