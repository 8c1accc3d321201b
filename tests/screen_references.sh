#!/bin/sh
# What each headless screen shows matches its reference dump
# (tests/headless/expected/; scripts/screen-references.sh says how they are
# made and how to update them on purpose: make update-references).
exec sh scripts/screen-references.sh check
