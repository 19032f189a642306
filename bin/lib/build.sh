# Sourced by the bin/ launchers: ensure_env_server_jar builds env-server/target/gymbridge-env-server.jar
# through the Maven Wrapper when it is missing or older than any source it is built from.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

ensure_env_server_jar() {
  jar="$root/env-server/target/gymbridge-env-server.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/proto" "$root/env-server/pom.xml" \
      "$root/env-server/src/main" -newer "$jar" -not -path '*/target/*' -print -quit)" ]; then
    echo "building the env-server (first run, or the sources changed)..." >&2
    "$root/mvnw" -q -B -pl env-server -am package -DskipTests >&2
  fi
}

# ensure_agent_jar: the same for agent/target/gymbridge-agent.jar (it embeds the env-server).
ensure_agent_jar() {
  jar="$root/agent/target/gymbridge-agent.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/proto" "$root/env-server/pom.xml" \
      "$root/env-server/src/main" "$root/client/pom.xml" "$root/client/src/main" \
      "$root/agent/pom.xml" "$root/agent/src/main" -newer "$jar" \
      -not -path '*/target/*' -print -quit)" ]; then
    echo "building the agent (first run, or the sources changed)..." >&2
    "$root/mvnw" -q -B -pl agent -am package -DskipTests >&2
  fi
}

# ensure_benchmarks_jar: the same for benchmarks/target/gymbridge-benchmarks.jar (the server's and
# the client's benchmarks, kept out of the env-server's jar).
ensure_benchmarks_jar() {
  jar="$root/benchmarks/target/gymbridge-benchmarks.jar"
  if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/proto" "$root/env-server/pom.xml" \
      "$root/env-server/src/main" "$root/client/pom.xml" "$root/client/src/main" \
      "$root/benchmarks/pom.xml" "$root/benchmarks/src/main" -newer "$jar" \
      -not -path '*/target/*' -print -quit)" ]; then
    echo "building the benchmarks (first run, or the sources changed)..." >&2
    "$root/mvnw" -q -B -pl benchmarks -am package -DskipTests >&2
  fi
}
