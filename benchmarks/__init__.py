"""Benchmarks (timings at realistic size, run by `make benchmark`, never by the tests) and
`article`, the article's pandas loops kept as the reference the SQL marts are tested against."""
