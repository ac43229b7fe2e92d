.PHONY: demo test build screenshots fuzz clean

## The main job: build arty and browse a freshly seeded demo registry.
demo:
	scripts/demo.sh

## Every test: unit, integration, end-to-end (tmux) and the official-SDK compatibility suite.
test:
	scripts/test.sh

build:
	scripts/setup.sh
	swift build

screenshots:
	scripts/screenshots.sh

## Coverage-guided fuzzing of the parsers (libFuzzer), 60 s per target.
fuzz:
	scripts/fuzz.sh

clean:
	rm -rf .build .venv-compat .venv-shots
