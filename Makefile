# Shortcuts over the CLI. Override MIGRATIONS or pass DATABASE_URL in the environment.
MIGRATIONS ?= migrations
CLI := node dist/cli.js

.PHONY: build migrate-up migrate-down migrate-create migrate-status migrate-version migrate-reset migrate-refresh test

build:
	npm run build

migrate-up: build
	$(CLI) up -migrations $(MIGRATIONS)

migrate-down: build
	$(CLI) down -migrations $(MIGRATIONS)

migrate-create: build
	@test -n "$(name)" || (echo 'usage: make migrate-create name=add_users_table' >&2; exit 2)
	$(CLI) create -migrations $(MIGRATIONS) -name "$(name)"

migrate-status: build
	$(CLI) status -migrations $(MIGRATIONS)

migrate-version: build
	$(CLI) version -migrations $(MIGRATIONS)

migrate-reset: build
	$(CLI) reset -migrations $(MIGRATIONS)

migrate-refresh: build
	$(CLI) refresh -migrations $(MIGRATIONS)

test:
	npm test
