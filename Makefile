.PHONY: run test lint bench
run:  ## the whole system on embedded defaults
	scripts/run
test:  ## the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	scripts/test
lint:
	scripts/setup --dev && .venv/bin/ruff check .
