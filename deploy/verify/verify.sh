#!/usr/bin/env bash
# What can be checked of deploy/ on a machine with no container engine and no cluster
# (the development machine has neither). From the repository root:
#   bash deploy/verify/verify.sh           # manifest checks, kustomize, k8s schemas, compose, Dockerfile lint
#   bash deploy/verify/verify.sh --build   # also replays the Dockerfile's stages in a temp dir
# Needs Node 24 (npm scripts), Go (the Docker tools' own libraries), kubectl or kustomize,
# and optionally `pip install kubernetes-validate` for the Kubernetes schemas.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$PATH" # Node 24 from the devDependency, as npm scripts use
tmp="$(mktemp -d /tmp/roadwatch-deploy-verify.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

echo "== manifests against the services' env schemas, ops server and Node pin (test/deploy.spec.ts)"
npx vitest run --project unit test/deploy.spec.ts

echo "== kustomize build deploy/k8s"
if command -v kustomize >/dev/null; then kustomize build deploy/k8s >"$tmp/k8s.yaml"; else kubectl kustomize deploy/k8s >"$tmp/k8s.yaml"; fi
echo "ok, $(grep -c '^kind:' "$tmp/k8s.yaml") objects"
if command -v kubernetes-validate >/dev/null; then
  kubernetes-validate --strict --quiet -k "${K8S_VERSION:-1.32.0}" "$tmp/k8s.yaml" deploy/k8s/secrets.example.yaml && echo "ok, strict schemas of Kubernetes ${K8S_VERSION:-1.32.0}"
else
  echo "skipped Kubernetes schemas: pip install kubernetes-validate"
fi

echo "== compose-go (docker compose's loader) and BuildKit's Dockerfile parser and linter"
(cd deploy/verify && go run . "$root")

[[ "${1:-}" == "--build" ]] || exit 0

# The stages of deploy/docker/Dockerfile, replayed with the same commands on the host's
# Node 24 (keep in step with the Dockerfile): the install works from the manifests alone,
# the web builds from the context, and every service's module graph loads under
# `node --import tsx` from that clean tree (an invalid KAFKA_TOPIC_PARTITIONS makes each
# stop at its env check, after every import has been evaluated, without touching infra).
echo "== replaying the Dockerfile stages in $tmp"
(cd deploy/verify && go run . -context "$root") >"$tmp/context.txt"
mkdir -p "$tmp/manifests" "$tmp/app"
tar -C "$root" -cf - -T "$tmp/context.txt" | tar -C "$tmp/manifests" -xf -
(cd "$tmp/manifests" && find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete && find . -type d -empty -delete)
cp -a "$tmp/manifests/." "$tmp/app/"
(cd "$tmp/app" && npm ci --no-audit --no-fund)
tar -C "$root" -cf - -T "$tmp/context.txt" | tar -C "$tmp/app" -xf -
(cd "$tmp/app" && npm run build --workspace web >/dev/null && test -f web/dist/index.html && echo "web/dist built")
for service in $(ls "$tmp/app/services"); do
  [[ "$service" == standalone ]] && continue
  out="$(cd "$tmp/app/services/$service" && NODE_ENV=production KAFKA_TOPIC_PARTITIONS=-1 node --import tsx src/main.ts 2>&1 || true)"
  if grep -q 'EnvError: invalid environment: KAFKA_TOPIC_PARTITIONS' <<<"$out"; then echo "$service: src/main.ts loads"; else echo "$service: FAILED to load"; echo "$out" | tail -20; exit 1; fi
done
