#!/usr/bin/env bash
# Copy Leaflet and its plugins (pinned in package-lock.json) into the desk map's static
# folder, so the page loads every script from the map server and never from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."

vendor=wiremap/mapview/static/vendor
stamp="$vendor/.lock-sha256"
want=$(sha256sum package-lock.json | cut -d' ' -f1)

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -f "$vendor/leaflet/leaflet.js" ]]; then
    exit 0
fi

command -v npm >/dev/null || { echo "build-assets: npm is required (apt-get install npm)" >&2; exit 1; }
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null

rm -rf "$vendor"
mkdir -p "$vendor/leaflet" "$vendor/leaflet-realtime" "$vendor/leaflet.markercluster"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$vendor/leaflet/"
cp -r node_modules/leaflet/dist/images "$vendor/leaflet/"
cp node_modules/leaflet-realtime/dist/leaflet-realtime.js "$vendor/leaflet-realtime/"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
   "$vendor/leaflet.markercluster/"
for pkg in leaflet leaflet-realtime leaflet.markercluster; do
    cp node_modules/$pkg/LICENSE* "$vendor/$pkg/" 2>/dev/null || true
done
echo "$want" > "$stamp"
