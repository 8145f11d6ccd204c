#!/usr/bin/env bash
# `make run`: the plugins this build has. (The controller joins here as soon as it exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
build/bin/ckecli plugins list
