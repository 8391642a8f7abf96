.PHONY: run test lint train-bot train-red-flag-net eval-bot eval-bot-fallback bench
# the bot benchmark's web runs on a PostgreSQL database created on this server, as in production (empty: SQLite)
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
run:  ## the whole system on embedded defaults
	scripts/run
test:  ## the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	scripts/test
lint:
	scripts/setup --dev && .venv/bin/ruff check .
train-bot:  ## train (or reuse the cached) Rasa model
	scripts/rasa/train.sh
train-red-flag-net:  ## retrain the safety layer's learned net (bot/red_flag_net.json) after a change in nlu_data
	scripts/setup --dev && .venv/bin/python scripts/red_flag_net.py train
eval-bot: train-bot  ## held-out evaluation of the bot as the API answers (starts Rasa on a spare port)
	scripts/setup --dev
	RASA_PORT=5099 RASA_AUTO_TRAIN=0 scripts/rasa/run.sh >/tmp/kangban-eval-rasa.log 2>&1 & pid=$$!; \
	  for i in $$(seq 300); do curl -sf -XPOST localhost:5099/model/parse -d '{"text":"你好"}' >/dev/null && break; sleep 1; done; \
	  .venv/bin/python scripts/eval_bot.py --rasa http://127.0.0.1:5099 --set $(or $(SET),test) --files '$(or $(FILES),*.yml)'; rc=$$?; kill $$pid; exit $$rc
eval-bot-fallback:  ## the same evaluation in degraded mode (no Rasa)
	scripts/setup --dev && .venv/bin/python scripts/eval_bot.py --fallback-only --set $(or $(SET),test) --files '$(or $(FILES),*.yml)'
bench:  ## benchmarks (not tests): bot understand vs Rasa, reminders batched vs naive; ratios from the same run
	scripts/setup --dev && scripts/rasa/train.sh
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) .venv/bin/python -m bench.bot_understand --rasa-workers 2
	.venv/bin/python -m bench.reminders --patients 20000 --fanout 5000 --naive 1000
