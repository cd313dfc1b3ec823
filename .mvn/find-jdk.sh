# Sourced by ./mvnw and ./meridian (POSIX sh): makes JAVA_HOME a JDK 21 or later, so both work on a machine whose
# default java is older (many have 17) as long as a newer JDK is installed somewhere usual.
# Tries JAVA_HOME, then /usr/lib/jvm/* (newest first), then javac on the PATH. Returns 1 when none is found.
meridian_java_major() { # the major version of the java binary $1, or 0
  _line="$("$1" -version 2>&1 | head -n 1)" || { echo 0; return; }
  _line="${_line#*version \"}"; _line="${_line%%\"*}"; _line="${_line#1.}"
  _line="${_line%%[.+-]*}"
  case "$_line" in ''|*[!0-9]*) echo 0 ;; *) echo "$_line" ;; esac
}

meridian_find_jdk() {
  case $- in *f*) _globbing_was_off=1; set +f ;; *) _globbing_was_off= ;; esac  # ./mvnw runs with set -f
  _jdks="$(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV)"
  [ -z "$_globbing_was_off" ] || set -f
  for _candidate in "${JAVA_HOME:-}" $_jdks; do
    [ -n "$_candidate" ] && [ -x "$_candidate/bin/javac" ] || continue
    if [ "$(meridian_java_major "$_candidate/bin/java")" -ge 21 ]; then
      if [ "$_candidate" != "${JAVA_HOME:-}" ]; then
        if [ -n "${JAVA_HOME:-}" ]; then _why="JAVA_HOME is $JAVA_HOME, not a JDK 21+"; else _why="JAVA_HOME is not set"; fi
        echo "Using the JDK in $_candidate ($_why)" >&2
      fi
      JAVA_HOME="$_candidate"; export JAVA_HOME; return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    _candidate="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    if [ "$(meridian_java_major "$_candidate/bin/java")" -ge 21 ]; then
      JAVA_HOME="$_candidate"; export JAVA_HOME; return 0
    fi
  fi
  return 1
}

meridian_no_jdk() {
  cat >&2 <<'MSG'
Meridian needs a JDK 21 or later, and none was found (checked JAVA_HOME, /usr/lib/jvm/*, and javac on the PATH).
Install one, for example:  sudo apt-get install openjdk-21-jdk   (or Temurin 21/25 from adoptium.net)
then run this again, or point JAVA_HOME at it.
MSG
}
