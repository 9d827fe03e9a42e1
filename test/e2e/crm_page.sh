#!/usr/bin/env bash
# Browser test of the customers page (Playwright + Debian chromium): a
# supervisor checks a CSV file with a bad row (the dry run lists it with
# its line), the import refuses it whole, the fixed file imports; search as
# typed, one customer's record, a merge; the export; an agent sees no
# import, merge or delete. Screenshots in artifacts/.
. "$(dirname "$0")/lib.sh"
sb_browser crm_page.mjs
