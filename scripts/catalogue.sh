#!/usr/bin/env bash
# The interface's message catalogue (README, "Languages"). Usage:
#   scripts/catalogue.sh update   extract every marked text into bot/locale/messages.pot and
#                                 merge it into each language's messages.po (then translate)
#   scripts/catalogue.sh compile  compile every messages.po into the messages.mo the bot reads
#   scripts/catalogue.sh add xx   start a new language's messages.po from the marked texts
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
locale=bot/locale
extract() {
  # Sorted and without line numbers: a change elsewhere in a file leaves the catalogue alone.
  "$pybabel" extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location --sort-output \
    -o "$locale/messages.pot" bot handlers
}
case "${1:-}" in
  update)
    extract
    "$pybabel" update -i "$locale/messages.pot" -d "$locale" -D messages \
      --no-fuzzy-matching --ignore-obsolete
    ;;
  compile)
    "$pybabel" compile -d "$locale" -D messages --statistics
    ;;
  add)
    extract
    "$pybabel" init -i "$locale/messages.pot" -d "$locale" -D messages -l "${2:?language code}"
    ;;
  *)
    echo "usage: $0 update|compile|add <language>" >&2
    exit 2
    ;;
esac
