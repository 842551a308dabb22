# Sourced by ./coffer, ./build and bench scripts: sets JAVA_HOME to a JDK >= 21.
# Order: $JAVA_HOME if new enough, then the newest JDK found in the usual places.

coffer_jdk_major() {
  local home=$1 version=""
  if [ -f "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$version" ] && [ -x "$home/bin/java" ]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  fi
  echo "${version:-0}"
}

coffer_select_jdk() {
  local candidates=() best="" best_major=0 home major
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$home" ] && candidates+=("$home")
  done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/javac" ] || continue
    major=$(coffer_jdk_major "$home")
    if [ "$home" = "${JAVA_HOME:-}" ] && [ "$major" -ge 21 ]; then
      best=$home; best_major=$major; break
    fi
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best=$home; best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "coffer: no JDK 21 or newer found (looked at \$JAVA_HOME, javac on PATH, /usr/lib/jvm, /opt)." >&2
    echo "coffer: install one (e.g. Temurin 21+) or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}

coffer_require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "coffer: Maven (mvn) is needed to build; install it (apt-get install maven)." >&2
    return 1
  fi
  # Maven's bundled Guava warns on JDK 24+ about sun.misc.Unsafe; allow it quietly.
  if [ "$(coffer_jdk_major "$JAVA_HOME")" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}
