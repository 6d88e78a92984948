#!/usr/bin/env bash
# Records what the schema-v2 release printed for each line of cases.txt on store-v2.sqlite into
# expected.txt ("### ARGS" then the output). Run once, with the v2 release's binary:
#   Tests/MailTLSCLITests/Fixtures/store-v2/record.sh path/to/v2/mailtls
# store-v2.sqlite holds Samples/*.log (--year 2026) and `mailtls-synth 700K --seed 7 --hosts 4 --start 2026-10-20`,
# ingested by the v2 release (commit 4cb24d8). The migration test opens a copy with the current build and
# expects the same output for every case.
set -euo pipefail
bin=$1
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$dir/store-v2.sqlite" "$tmp/s.db"
chmod u+w "$tmp/s.db"
: > "$dir/expected.txt"
while IFS= read -r line; do
    [ -z "$line" ] && continue
    read -ra args <<< "$line"
    echo "### $line" >> "$dir/expected.txt"
    "$bin" "${args[@]}" --db "$tmp/s.db" >> "$dir/expected.txt"
done < "$dir/cases.txt"
