# Sourced by the bin/ launchers: ensure_env_server_jar builds env-server/target/gymbridge-env-server.jar
# through the Maven Wrapper when it is missing or older than any source it is built from.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

ensure_env_server_jar() {
  jar="$root/env-server/target/gymbridge-env-server.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/proto" "$root/envs/pom.xml" \
      "$root/envs/src/main" "$root/env-server/pom.xml" "$root/env-server/src/main" -newer "$jar" -not -path '*/target/*' -print -quit)" ]; then
    echo "building the env-server (first run, or the sources changed)..." >&2
    "$root/mvnw" -q -B -pl env-server -am package -DskipTests >&2
  fi
}

# ensure_agent_jar: the same for agent/target/gymbridge-agent.jar (it embeds the env-server).
ensure_agent_jar() {
  jar="$root/agent/target/gymbridge-agent.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/proto" "$root/envs/pom.xml" "$root/envs/src/main" \
      "$root/env-server/pom.xml" "$root/env-server/src/main" "$root/client/pom.xml" "$root/client/src/main" \
      "$root/agent/pom.xml" "$root/agent/src/main" -newer "$jar" \
      -not -path '*/target/*' -print -quit)" ]; then
    echo "building the agent (first run, or the sources changed)..." >&2
    "$root/mvnw" -q -B -pl agent -am package -DskipTests >&2
  fi
}

# ensure_agent_class_archive: agent/target/gymbridge-agent.jsa, a class-data-sharing archive of the
# classes a training loads (JDK 17's dynamic CDS), made once per build of the jar by a 16-step
# CartPole run; bin/agent starts from it ~2 s sooner (docs/benchmarks.md). Written under a temporary
# name and renamed, so two launchers never read a half-written archive. Best effort: without it the
# agent only starts slower.
ensure_agent_class_archive() {
  archive="$root/agent/target/gymbridge-agent.jsa"
  if [ -f "$archive" ] && [ "$archive" -nt "$jar" ] \
      && [ -z "$(find "$root/agent/target/lib" -newer "$archive" -print -quit)" ]; then
    return
  fi
  echo "preparing a class-data archive for faster starts (once per build, ~10 s)..." >&2
  local tmp run
  tmp="$archive.$$.tmp"
  run="$(mktemp -d)"
  if java -XX:ArchiveClassesAtExit="$tmp" -jar "$jar" train --env CartPole-v1 --total-steps 16 \
      --out "$run/run" >/dev/null 2>&1 && [ -s "$tmp" ]; then
    mv -f "$tmp" "$archive"
  else
    rm -f "$tmp"
  fi
  rm -rf "$run"
}

# ensure_benchmarks_jar: the same for benchmarks/target/gymbridge-benchmarks.jar (the server's and
# the client's benchmarks, kept out of the env-server's jar).
ensure_benchmarks_jar() {
  jar="$root/benchmarks/target/gymbridge-benchmarks.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/proto" "$root/envs/pom.xml" "$root/envs/src/main" \
      "$root/env-server/pom.xml" "$root/env-server/src/main" "$root/client/pom.xml" "$root/client/src/main" \
      "$root/benchmarks/pom.xml" "$root/benchmarks/src/main" -newer "$jar" \
      -not -path '*/target/*' -print -quit)" ]; then
    echo "building the benchmarks (first run, or the sources changed)..." >&2
    "$root/mvnw" -q -B -pl benchmarks -am package -DskipTests >&2
  fi
}
