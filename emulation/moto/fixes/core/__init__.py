"""moto's core: work every request repeats with the same result, done once."""
