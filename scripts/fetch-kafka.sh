#!/usr/bin/env bash
# Copy Apache Kafka's jars (broker/pom.xml) from Maven Central into the jar cache.
# Idempotent: a marker keyed on the pom's hash skips Maven when the cache is current.
# Updates in place (add new jars, then drop stale ones) so brokers already running from
# the cache keep their classpath.
set -euo pipefail
cd "$(dirname "$0")/.."

pom=broker/pom.xml
dest="${WIREMAP_KAFKA_JARS:-.cache/kafka-jars}"
stamp=".fetched-$(sha256sum "$pom" | cut -c1-16)"

if [[ -f "$dest/$stamp" ]] && compgen -G "$dest/kafka_2.13-*.jar" >/dev/null; then
    exit 0
fi
command -v mvn >/dev/null || { echo "fetch-kafka: Maven (mvn) is needed: apt-get install maven" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch-kafka: Java 17+ is needed: apt-get install openjdk-17-jre-headless" >&2; exit 1; }

version=$(grep -m1 -o '<kafka.version>[^<]*' "$pom" | cut -d'>' -f2)
echo "fetch-kafka: resolving Apache Kafka $version from Maven Central into $dest" >&2
mkdir -p "$dest"
tmp="$(mktemp -d "$dest.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
if ! mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$(realpath "$tmp")" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -f "$tmp.log"
    echo "fetch-kafka: Maven could not resolve the jars (see above)" >&2
    exit 1
fi
rm -f "$tmp.log"
cp -n "$tmp"/*.jar "$dest"/
for jar in "$dest"/*.jar; do
    [[ -f "$tmp/$(basename "$jar")" ]] || rm -f "$jar"
done
rm -f "$dest"/.fetched-*
touch "$dest/$stamp"
echo "fetch-kafka: $(ls "$dest"/*.jar | wc -l) jars ready in $dest" >&2
