.PHONY: demo test build screenshots fuzz clean docs install

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

## The man page and shell completions, generated from the ArgumentParser definitions into .build/docs.
docs:
	scripts/gen-docs.sh --configuration release

## Installs the release binary, the man page and the bash/zsh/fish completions under PREFIX
## (default /usr/local; DESTDIR for staging): bin/, share/man/man1/, share/bash-completion/completions/,
## share/zsh/site-functions/, share/fish/vendor_completions.d/.
PREFIX ?= /usr/local
install: docs
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	install -m 755 "$$(swift build -c release --show-bin-path)/arty" "$(DESTDIR)$(PREFIX)/bin/arty"
	install -m 644 .build/docs/man/arty.1 "$(DESTDIR)$(PREFIX)/share/man/man1/arty.1"
	install -m 644 .build/docs/completions/arty.bash "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/arty"
	install -m 644 .build/docs/completions/_arty "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_arty"
	install -m 644 .build/docs/completions/arty.fish "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/arty.fish"

clean:
	rm -rf .build .venv-compat .venv-shots
