# Shared by the end-to-end scripts in .ci/ (sourced, not run): a loud banner
# for failures that must not scroll by, and a Python virtualenv kept OUTSIDE
# the clone with pinned packages.

# loud LINE... — print the lines to stderr inside a banner.
loud() {
  echo >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  for line in "$@"; do echo "!!! $line" >&2; done
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo >&2
}

# python_venv VENV PYTHON VERSIONS NEEDS REQUIREMENTS NOT_CHECKED
#   Creates the virtualenv VENV with the interpreter PYTHON unless it exists;
#   PYTHON must satisfy VERSIONS, a Python expression over `v`, its
#   (major, minor) version; NEEDS says which versions in words. Then installs
#   the pinned REQUIREMENTS (a no-op when they are installed; otherwise pip
#   fetches them, its cache making reinstalls fast). On failure, exits 1
#   with a banner ending with NOT_CHECKED: what then goes untested.
python_venv() {
  local venv=$1 python=$2 versions=$3 needs=$4 requirements=$5 not_checked=$6
  if [ ! -x "$venv/bin/python" ]; then
    if ! "$python" -c "import sys; v = sys.version_info[:2]; sys.exit(not ($versions))"; then
      loud "$needs; \`$python\` is $("$python" --version 2>&1)." \
        "Set CALLC_PYTHON to a suitable interpreter."
      exit 1
    fi
    "$python" -m venv "$venv"
  fi
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"; then
    loud "Could not install $(grep -v '^#' "$requirements" | tr '\n' ' ')from the package index ($requirements)." \
      "Is PyPI (or PIP_INDEX_URL) reachable from here? See pip's messages above." \
      "$not_checked"
    exit 1
  fi
}
