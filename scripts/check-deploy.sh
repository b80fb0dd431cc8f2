#!/usr/bin/env bash
# Checks the deployment files without Docker: what can be checked on a machine with no
# Docker daemon and no image registry (README, "Run it in production").
#
#   scripts/check-deploy.sh            # everything below; builds the release binary first
#   SKIP_BUILD=1 scripts/check-deploy.sh   # use target/release/gutcheck as it is
#
# 1. Every file the Dockerfile copies from the build context exists and is not excluded by
#    .dockerignore.
# 2. The image's build steps, replayed in a staging folder laid out as the image is
#    (/usr/local/bin, /app/faq, /app/models, /app/index): `cargo build --release --locked`,
#    `gutcheck check`, `gutcheck index`. Then the staged tree is made read-only and
#    `gutcheck ask` runs in it as an unprivileged user (as `docker run --read-only` would):
#    it must answer, reuse the built vectors, and write nothing.
# 3. The HEALTHCHECK command, taken from the Dockerfile, against a loopback server that
#    answers /healthz with 200 (must pass), one that answers 503 and a closed port (must
#    fail), so it is known to work without curl.
# 4. compose.yaml parses (python3 + PyYAML) and says what README says: PostgreSQL with a
#    volume and a healthcheck, gutcheck processes read-only with /data as a volume, shard
#    ranges that cover every shard once, env files that have an example.
# 5. deploy/gutcheck.service passes `systemd-analyze verify` and
#    `systemd-analyze security --offline` at exposure 3.0 or better.
#
# Not checked here: `docker build` itself (base images come from a registry this machine
# does not reach), `docker compose config`, and a real read-only container.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

failures=0
pass() { echo "ok: $*"; }
fail() {
  echo "FAILED: $*" >&2
  failures=$((failures + 1))
}

stage=$(mktemp -d)
cleanup() {
  chmod -R u+w "$stage" 2>/dev/null || true
  rm -rf "$stage"
  [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

echo "== 1. the Dockerfile's COPY sources"
if python3 - "$root" <<'PY'; then
import fnmatch, os, re, sys
root = sys.argv[1]
ignored = [l.strip() for l in open(os.path.join(root, ".dockerignore"))
           if l.strip() and not l.startswith("#")]
def excluded(path):
    verdict = False
    for pattern in ignored:
        negate = pattern.startswith("!")
        p = pattern[1:] if negate else pattern
        p = p.rstrip("/")
        if fnmatch.fnmatch(path, p) or path.startswith(p + "/"):
            verdict = not negate
    return verdict
bad = 0
for line in open(os.path.join(root, "Dockerfile")):
    words = line.split()
    if not words or words[0] != "COPY" or any(w.startswith("--from") for w in words):
        continue
    for source in words[1:-1]:
        if source.startswith("--"):
            continue
        path = os.path.join(root, source)
        if not os.path.exists(path):
            print(f"Dockerfile copies {source}, which does not exist"); bad += 1
        elif excluded(source.rstrip("/")):
            print(f"Dockerfile copies {source}, which .dockerignore excludes"); bad += 1
        else:
            print(f"  {source}")
sys.exit(1 if bad else 0)
PY
  pass "every file the Dockerfile copies is in the build context"
else
  fail "Dockerfile COPY sources (see above)"
fi

echo "== 2. the image's build steps, then a read-only run"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  nice cargo build --release --locked
fi
bin="$root/target/release/gutcheck"
[[ -x "$bin" ]] || { echo "no $bin: build it or drop SKIP_BUILD" >&2; exit 1; }
mkdir -p "$stage/usr/local/bin" "$stage/app" "$stage/data"
install -m 0755 "$bin" "$stage/usr/local/bin/gutcheck"
cp -r faq models "$stage/app/"
mkdir -p "$stage/app/index"
cp index/README.md "$stage/app/index/"
(
  cd "$stage/app"
  "$stage/usr/local/bin/gutcheck" check faq >/dev/null &&
    "$stage/usr/local/bin/gutcheck" --faq faq --index index \
      --model models/all-minilm-l6-v2 index
) && pass "check and index in the staged image" || fail "the staged image's build steps"

# Read-only from here on. Root ignores permission bits, so the run drops to `nobody`.
chmod -R a-w "$stage"
chmod a+rx "$stage"
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
touch "$stage.before"
# The image's ENV, with its paths under the staging folder.
out=$(cd "$stage/app" && env -i PATH=/usr/bin:/bin \
  GUTCHECK_FAQ="$stage/app/faq" GUTCHECK_INDEX="$stage/app/index" \
  GUTCHECK_MODEL="$stage/app/models/all-minilm-l6-v2" GUTCHECK_DATA_DIR="$stage/data" \
  "${as_user[@]}" "$stage/usr/local/bin/gutcheck" \
  ask "is leaky gut real?" 2>"$stage.stderr") || true
if grep -q "^Evidence" <<<"$out"; then
  pass "ask answers from a read-only image layout"
else
  fail "ask from the read-only layout printed no answer: $(cat "$stage.stderr")"
fi
if grep -q "not cached" "$stage.stderr"; then
  fail "the built vectors were not reused: $(cat "$stage.stderr")"
else
  pass "the FAQ's vectors built at image time were reused (no embedding at start)"
fi
written=$(find "$stage" -newer "$stage.before" | head -5)
if [[ -z "$written" ]]; then
  pass "nothing was written in the read-only layout"
else
  fail "the run wrote into the image: $written"
fi
rm -f "$stage.before" "$stage.stderr"

echo "== 3. the HEALTHCHECK without curl"
health=$(python3 - "$root/Dockerfile" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
cmd = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])\s*$", text, re.M).group(1)
print(json.loads(cmd)[2])
PY
)
probe() { # probe PORT: runs the healthcheck as Docker would, with the metrics address set
  GUTCHECK_METRICS_ADDR="127.0.0.1:$1" timeout 5 bash -c "$health" </dev/null
}
serve_status() { # serve_status CODE: a loopback server answering every GET with CODE
  python3 - "$1" <<'PY' &
import http.server, socketserver, sys
code = int(sys.argv[1])
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(code if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b"ok\n")
    def log_message(self, *a):
        pass
with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
    print(s.server_address[1], flush=True)
    s.handle_request()
PY
}
exec {port_fd}< <(serve_status 200)
read -r port <&"$port_fd"
probe "$port" && pass "healthcheck passes on 200" || fail "healthcheck failed on a 200 /healthz"
exec {port_fd}< <(serve_status 503)
read -r port <&"$port_fd"
probe "$port" && fail "healthcheck passed on a 503" || pass "healthcheck fails on 503"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
probe "$closed" 2>/dev/null && fail "healthcheck passed with nothing listening" ||
  pass "healthcheck fails with nothing listening"

echo "== 4. compose.yaml"
if python3 - "$root" <<'PY'; then
import os, re, sys
import yaml
root = sys.argv[1]
doc = yaml.safe_load(open(os.path.join(root, "compose.yaml")))
services = doc["services"]
bad = []
pg = services.get("postgres") or bad.append("no postgres service") or {}
if not str(pg.get("image", "")).startswith("postgres:"):
    bad.append("postgres does not use the official image")
if "healthcheck" not in pg:
    bad.append("postgres has no healthcheck")
if not any(str(v).endswith(":/var/lib/postgresql/data") for v in pg.get("volumes", [])):
    bad.append("postgres keeps its data in no volume")
ranges = []
for name, s in services.items():
    if name == "postgres":
        continue
    cmd = s.get("command", [])
    if cmd[:1] != ["serve"]:
        bad.append(f"{name} does not run serve"); continue
    if s.get("read_only") is not True:
        bad.append(f"{name} is not read_only")
    if not any(str(v).endswith(":/data") for v in s.get("volumes", [])):
        bad.append(f"{name} has no /data volume")
    env = s.get("env_file")
    if not env or not os.path.exists(os.path.join(root, env + ".example")):
        bad.append(f"{name}: env_file {env} has no {env}.example")
    if s.get("depends_on", {}).get("postgres", {}).get("condition") != "service_healthy":
        bad.append(f"{name} does not wait for a healthy postgres")
    total = int(cmd[cmd.index("--shards") + 1])
    first, end = re.fullmatch(r"(\d+)\.\.(=?)(\d+)", cmd[cmd.index("--shards-range") + 1]).group(1, 3)
    inclusive = "..=" in cmd[cmd.index("--shards-range") + 1]
    ranges.append((total, set(range(int(first), int(end) + (1 if inclusive else 0)))))
totals = {t for t, _ in ranges}
covered = [i for _, r in ranges for i in r]
if len(totals) != 1 or sorted(covered) != list(range(totals.pop())):
    bad.append(f"the shard ranges do not cover every shard exactly once: {ranges}")
pg_env = pg.get("env_file")
if pg_env and not os.path.exists(os.path.join(root, pg_env + ".example")):
    bad.append(f"postgres: env_file {pg_env} has no example")
for b in bad:
    print(b)
print(f"  {len(services) - 1} gutcheck processes, postgres {pg.get('image')}")
sys.exit(1 if bad else 0)
PY
  pass "compose.yaml parses and has the services README describes"
else
  fail "compose.yaml (see above)"
fi

echo "== 5. the systemd unit"
if command -v systemd-analyze >/dev/null 2>&1; then
  unit_dir=$(mktemp -d)
  # verify wants ExecStart's binary to exist: point it at the one just built.
  sed "s#/usr/local/bin/gutcheck#$bin#" deploy/gutcheck.service >"$unit_dir/gutcheck.service"
  if systemd-analyze verify "$unit_dir/gutcheck.service"; then
    pass "systemd-analyze verify"
  else
    fail "systemd-analyze verify"
  fi
  if systemd-analyze security --offline=yes --threshold=30 "$unit_dir/gutcheck.service" \
    | tail -1; then
    pass "systemd-analyze security: exposure at most 3.0"
  else
    fail "systemd-analyze security: exposure above 3.0"
  fi
  rm -rf "$unit_dir"
else
  echo "systemd-analyze not found: apt-get install systemd to check the unit" >&2
  fail "the systemd unit was not checked"
fi

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "every deployment check passed (docker build and a real container were not run)"
