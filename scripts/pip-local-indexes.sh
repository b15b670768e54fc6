# Sourced by scripts/setup.sh and bench/setup.sh, with $python set: pip's own settings name this
# machine's local wheels (pip config list), as file:// indexes and find-links. Sets `offline` to the
# pip arguments that install from those only (--no-index when there are none), so that setup tries
# offline first and then pip as configured (PyPI and the rest).
local_indexes=()
for url in $("$python" -m pip config list 2>/dev/null | sed -n "s/^[^=]*\.\(extra-\)\{0,1\}index-url='\(.*\)'$/\2/p"); do
  case $url in file://*) local_indexes+=("$url") ;; esac
done
offline=(--no-index)
if [ ${#local_indexes[@]} -gt 0 ]; then
  offline=(--index-url "${local_indexes[0]}")
  for url in "${local_indexes[@]:1}"; do offline+=(--extra-index-url "$url"); done
fi
