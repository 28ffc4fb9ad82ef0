# shellcheck shell=bash
# lib.sh: the operator's functions, sourced by scripts/up, down, test and
# stack. A "stack" is one private MariaDB, the three FastCGI pools and one
# nginx, all living under one directory VAR and stopped by their pid files.
#
# Layout of VAR:
#   mysql/            MariaDB datadir
#   run/              sockets and pid files (or a short dir under /tmp named
#                     in VAR/rundir, when VAR/run is too long for a socket)
#   log/              mariadb.log, citizen.log, admin.log, devidp.log,
#                     nginx-error.log, nginx-access.log
#   keys/master.key   CPR encryption and look-up key
#   dev-idp/          dev IdP keys, jwks.json and users.json
#   nginx/            rendered nginx.conf and includes, temp dirs
#   kaptajn.conf      the program's configuration (mode 0600)
#   port              the port nginx listens on
#
# Every function is safe to call twice. Functions report on stderr and
# return non-zero on failure; callers run with `set -euo pipefail`.

KP_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

KP_PKGS=(libfcgi-dev libmariadb-dev libjwt-dev libmbedtls-dev libcriterion-dev
         libjansson-dev libcurl4-openssl-dev mariadb-server nginx pkg-config cmake gcc curl)
# libclang-rt-14-dev holds libFuzzer (clang only recommends it); valgrind
# runs one stack under memcheck; prometheus (with promtool) scrapes a
# stack's /metrics in tests/integration/metrics.test.mjs, which starts its
# own: the package's service is kept from starting and disabled; lintian
# checks the Debian package.
KP_PKGS_TEST=(wrk clang libclang-rt-14-dev valgrind chromium prometheus lintian python3-aiosmtpd)

kp_log()  { printf '==> %s\n' "$*" >&2; }
kp_warn() { printf 'warning: %s\n' "$*" >&2; }
kp_die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs "$@" as root: directly when we are root, else through sudo.
kp_as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		kp_warn "need root for: $*, and sudo is missing"
		return 1
	fi
}

kp_pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# kp_install [--tests]: installs the Debian packages that are missing (and
# with --tests those the test run needs). Runs apt-get update only when
# something is missing. MariaDB and nginx are used as private instances, so
# newly installed system services are kept from starting and disabled.
kp_install() {
	local want=("${KP_PKGS[@]}") missing=() p
	if [ "${1:-}" = --tests ]; then
		want+=("${KP_PKGS_TEST[@]}")
	fi
	# The tests and the portal's build (web/, kp_web_build) need Node.js.
	# The machine may carry a newer Node.js than Debian's: keep it.
	if [ "${1:-}" = --tests ] || [ -f "$KP_REPO/web/package.json" ]; then
		if ! command -v node >/dev/null 2>&1; then
			want+=(nodejs npm)
		elif ! command -v npm >/dev/null 2>&1; then
			want+=(npm)
		fi
	fi
	for p in "${want[@]}"; do
		kp_pkg_installed "$p" || missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	kp_log "installing ${missing[*]}"

	local services=() made_policy=0 rc=0
	for p in "${missing[@]}"; do
		case $p in mariadb-server) services+=(mariadb) ;; nginx) services+=(nginx) ;;
		prometheus) services+=(prometheus) ;; esac
	done
	# invoke-rc.d asks policy-rc.d; 101 means "do not start".
	if [ "${#services[@]}" -gt 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | kp_as_root tee /usr/sbin/policy-rc.d >/dev/null &&
			kp_as_root chmod 755 /usr/sbin/policy-rc.d && made_policy=1
	fi
	kp_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || rc=$?
	if [ "$rc" -eq 0 ]; then
		kp_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends -o Dpkg::Options::=--force-confdef \
			-o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null || rc=$?
	fi
	[ "$made_policy" -eq 1 ] && kp_as_root rm -f /usr/sbin/policy-rc.d
	for p in "${services[@]}"; do
		if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
			kp_as_root systemctl disable --now "$p" >/dev/null 2>&1 || true
		elif [ -x "/etc/init.d/$p" ]; then
			kp_as_root "/etc/init.d/$p" stop >/dev/null 2>&1 || true
			kp_as_root update-rc.d "$p" disable >/dev/null 2>&1 || true
		fi
	done
	[ "$rc" -eq 0 ] || kp_warn "apt-get failed ($rc)"
	return "$rc"
}

# Folders under tests/ with a package.json (relative to the repo).
kp_npm_dirs() {
	local d
	for d in tests tests/integration tests/bench tests/browser; do
		[ -f "$KP_REPO/$d/package.json" ] && printf '%s\n' "$d"
	done
	return 0
}

# Installs the npm dependencies of the test folders, when they have any.
kp_npm_install() {
	local d
	for d in $(kp_npm_dirs); do
		if [ -d "$KP_REPO/$d/node_modules" ] &&
			[ "$KP_REPO/$d/node_modules" -nt "$KP_REPO/$d/package.json" ]; then
			continue
		fi
		kp_log "npm install in $d"
		if [ -f "$KP_REPO/$d/package-lock.json" ]; then
			(cd "$KP_REPO/$d" && npm ci --no-audit --no-fund) || return 1
		else
			(cd "$KP_REPO/$d" && npm install --no-audit --no-fund) || return 1
		fi
		touch "$KP_REPO/$d/node_modules"
	done
}

# kp_web_build: the citizen portal's build. Installs web/'s npm packages
# (npm ci when web/package-lock.json exists) and copies Det Fælles
# Designsystem's minified CSS and JS, fonts and icons from
# web/node_modules/dkfds/dist into web/assets/dkfds/ (git-ignored), which
# nginx serves as they are: no CDN, nothing fetched at run time. Run it
# again after a page or script starts using a designsystem class or icon:
# the .used files keep only those in use.
kp_web_build() {
	local web=$KP_REPO/web src dst
	[ -f "$web/package.json" ] || return 0
	if [ ! -d "$web/node_modules" ] || [ "$web/package.json" -nt "$web/node_modules" ] ||
		{ [ -f "$web/package-lock.json" ] && [ "$web/package-lock.json" -nt "$web/node_modules" ]; }; then
		kp_log "npm install in web"
		if [ -f "$web/package-lock.json" ]; then
			(cd "$web" && npm ci --no-audit --no-fund) || return 1
		else
			(cd "$web" && npm install --no-audit --no-fund) || return 1
		fi
		touch "$web/node_modules"
	fi
	src=$web/node_modules/dkfds/dist
	dst=$web/assets/dkfds
	[ -f "$src/css/dkfds-borgerdk.min.css" ] || { kp_warn "no dkfds in web/node_modules"; return 1; }
	kp_log "copying Det Fælles Designsystem into web/assets/dkfds"
	rm -rf "$dst.new"
	mkdir -p "$dst.new" || return 1
	mkdir -p "$dst.new/css" "$dst.new/js" || return 1
	cp "$src"/css/*.min.css "$dst.new/css/" && cp "$src"/js/*.min.js "$dst.new/js/" || return 1
	cp -R "$src/img" "$src/fonts" "$dst.new/" || return 1
	# The minified files only: no source maps (they carry dkfds's sources)
	# and no unminified copies; nginx refuses *.map as well.
	find "$dst.new" -name '*.map' -delete || return 1
	[ -f "$src/LICENSE.md" ] && cp "$src/LICENSE.md" "$dst.new/"
	# The pages load css/dkfds-borgerdk.used.min.css: the rules their
	# markup and scripts use (PurgeCSS, scripts/purgecss.config.cjs), about
	# 5 KB sent instead of 40, without the complete IBM Plex Sans faces, so
	# that a character outside web/css/app.css's subsets takes the next font
	# of the stack instead of fetching a whole font file. It stays beside
	# the full file, where its url(../img/...) resolve the same.
	kp_log "keeping the designsystem's CSS and icons that the pages use"
	local used=$dst.new/css/dkfds-borgerdk.used.min.css
	(cd "$web" && node_modules/.bin/purgecss --config "$KP_REPO/scripts/purgecss.config.cjs" \
		--css "$dst.new/css/dkfds-borgerdk.min.css" --output "$dst.new/purged/") || return 1
	mv "$dst.new/purged/dkfds-borgerdk.min.css" "$used" && rmdir "$dst.new/purged" || return 1
	sed -i -E 's#@font-face\{[^}]*IBMPlexSans/complete/[^}]*\}##g' "$used" || return 1
	if grep -q 'IBMPlexSans/complete/' "$used"; then
		kp_warn "the complete IBM Plex Sans faces are still in $used"
		return 1
	fi
	# Likewise img/all-svg-icons.used.svg: the icons the pages name, about
	# 4 KB sent instead of 18.
	node "$KP_REPO/scripts/icons-used.mjs" "$dst.new/img/all-svg-icons.svg" "$web" \
		"$dst.new/img/all-svg-icons.used.svg" || return 1
	rm -rf "$dst.old"
	[ -d "$dst" ] && mv "$dst" "$dst.old"
	mv "$dst.new" "$dst" && rm -rf "$dst.old"
}

# True when tests/unit holds C sources (CMake refuses an empty executable).
kp_have_unit_tests() {
	compgen -G "$KP_REPO/tests/unit/*.c" >/dev/null
}

# kp_build DIR [cmake args...]: configures and builds the repo into
# <repo>/DIR. The unit tests are built when tests/unit has any.
kp_build() {
	local dir=$1; shift
	local tests=ON
	kp_have_unit_tests || tests=OFF
	kp_log "building $dir"
	cmake -S "$KP_REPO" -B "$KP_REPO/$dir" --log-level=WARNING \
		-DKAPTAJN_TESTS="$tests" "$@" >&2 || return 1
	cmake --build "$KP_REPO/$dir" -j "$(nproc 2>/dev/null || echo 2)" >&2
}

# kp_stack_paths VAR [--create]: sets the KP_* paths of the stack in VAR.
# Socket paths must fit in sun_path (108 bytes with the NUL): when VAR/run
# is too long, the run dir is a short mktemp dir under /tmp whose path is
# kept in VAR/rundir, so that a later stop finds it. Without --create
# nothing is made.
kp_stack_paths() {
	local var=$1 create=${2:-}
	if [ "$create" = --create ]; then
		mkdir -p "$var"
	fi
	if [ -d "$var" ]; then
		KP_VAR=$(cd "$var" && pwd -P)
	else
		case $var in /*) KP_VAR=$var ;; *) KP_VAR=$PWD/$var ;; esac
	fi
	KP_DATADIR=$KP_VAR/mysql
	KP_LOG=$KP_VAR/log
	KP_KEYS=$KP_VAR/keys
	KP_DEVIDP=$KP_VAR/dev-idp
	KP_NGINX=$KP_VAR/nginx
	KP_CONF=$KP_VAR/kaptajn.conf

	local run=$KP_VAR/run recorded=
	[ -f "$KP_VAR/rundir" ] && recorded=$(cat "$KP_VAR/rundir")
	# Longest socket name is "citizen.sock" (12); keep a margin.
	if [ "$(( ${#run} + 20 ))" -ge 108 ]; then
		if [ -n "$recorded" ] && [ -d "$recorded" ]; then
			run=$recorded
		elif [ "$create" = --create ]; then
			run=$(mktemp -d /tmp/kaptajn.XXXXXX)
			printf '%s\n' "$run" >"$KP_VAR/rundir"
		elif [ -n "$recorded" ]; then
			run=$recorded
		fi
	fi
	KP_RUN=$run
	if [ "$create" = --create ]; then
		mkdir -p "$KP_RUN" "$KP_LOG" "$KP_NGINX"
		[ -d "$KP_KEYS" ] || mkdir -m 700 "$KP_KEYS"
	fi
	KP_DB_SOCKET=$KP_RUN/mysqld.sock
}

# kp_pid_of PIDFILE PATTERN: prints the pid in PIDFILE when that process is
# alive and its command line contains PATTERN (so a reused pid is not
# mistaken for ours). Returns 1 otherwise.
kp_pid_of() {
	local pidfile=$1 pattern=$2 pid cmd
	[ -f "$pidfile" ] || return 1
	pid=$(tr -dc '0-9' <"$pidfile")
	[ -n "$pid" ] || return 1
	[ -r "/proc/$pid/cmdline" ] || return 1
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
	[[ $cmd == *"$pattern"* ]] || return 1
	printf '%s\n' "$pid"
}

# True while PID runs; a zombie (state Z) does not count. (Its command line
# is no test: it reads empty for a moment while a new process execs.)
kp_alive() {
	local stat
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# kp_stop PIDFILE PATTERN LABEL [SECONDS]: TERM, wait (bounded), then KILL
# the process and the children it had. Removes the pid file.
kp_stop() {
	local pidfile=$1 pattern=$2 label=$3 secs=${4:-15} pid i child
	local -a kids=() kidcmd=()
	if ! pid=$(kp_pid_of "$pidfile" "$pattern"); then
		rm -f "$pidfile"
		return 0
	fi
	for child in $(pgrep -P "$pid" 2>/dev/null || true); do
		kids+=("$child")
		kidcmd+=("$(tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null || true)")
	done
	kp_log "stopping $label (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < secs * 10; i++)); do
		kp_alive "$pid" || break
		sleep 0.1
	done
	if kp_alive "$pid"; then
		kp_warn "$label did not stop in ${secs}s: KILL"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	# Children left behind (a killed master's workers) go too, if they are
	# still the same processes.
	for i in "${!kids[@]}"; do
		child=${kids[$i]}
		if kp_alive "$child" && [ "$(tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null)" = "${kidcmd[$i]}" ]; then
			kill -KILL "$child" 2>/dev/null || true
		fi
	done
	rm -f "$pidfile"
}

# kp_wait_for SECONDS CMD...: runs CMD every 0.2 s until it succeeds.
# With KP_WAIT_PID set, gives up as soon as that process has gone.
kp_wait_for() {
	local deadline=$((SECONDS + $1)); shift
	while :; do
		"$@" && return 0
		if [ -n "${KP_WAIT_PID:-}" ] && ! kp_alive "$KP_WAIT_PID"; then
			"$@"
			return
		fi
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

kp_db_client() {
	mariadb --no-defaults --socket="$KP_DB_SOCKET" --user="$(id -un)" \
		--batch --skip-column-names "$@"
}

kp_db_pings() {
	mariadb-admin --no-defaults --socket="$KP_DB_SOCKET" --user="$(id -un)" \
		--connect-timeout=2 ping >/dev/null 2>&1
}

# Starts the private MariaDB of the stack (installing its datadir once) and
# waits until it answers. A running one is left alone. Extra server options
# may come in KP_MARIADB_OPTS (the test run uses it to skip fsyncs).
kp_db_start() {
	local me pid
	me=$(id -un)
	if pid=$(kp_pid_of "$KP_RUN/mysqld.pid" "$KP_DATADIR"); then
		if kp_wait_for 30 kp_db_pings; then
			kp_log "MariaDB already running (pid $pid)"
			return 0
		fi
		kp_warn "MariaDB (pid $pid) does not answer"
		return 1
	fi
	if [ ! -d "$KP_DATADIR/mysql" ]; then
		kp_log "creating the MariaDB datadir in $KP_DATADIR"
		rm -rf "$KP_DATADIR"
		mariadb-install-db --no-defaults --datadir="$KP_DATADIR" \
			--auth-root-authentication-method=socket --skip-test-db \
			--user="$me" >"$KP_LOG/mariadb-install.log" 2>&1 || {
			tail -n 20 "$KP_LOG/mariadb-install.log" >&2
			return 1
		}
	fi
	rm -f "$KP_DB_SOCKET"
	kp_log "starting MariaDB"
	# shellcheck disable=SC2086 # KP_MARIADB_OPTS is a list of options
	setsid mariadbd --no-defaults --datadir="$KP_DATADIR" \
		--socket="$KP_DB_SOCKET" --pid-file="$KP_RUN/mysqld.pid" \
		--skip-networking --log-error="$KP_LOG/mariadb.log" --user="$me" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_danish_ci \
		--innodb-buffer-pool-size=256M ${KP_MARIADB_OPTS:-} \
		</dev/null >>"$KP_LOG/mariadb.log" 2>&1 &
	local launched=$!
	if ! KP_WAIT_PID=$launched kp_wait_for 60 kp_db_pings; then
		kp_warn "MariaDB did not answer within 60 s; end of $KP_LOG/mariadb.log:"
		tail -n 20 "$KP_LOG/mariadb.log" >&2
		kp_alive "$launched" && kill -KILL "$launched" 2>/dev/null
		return 1
	fi
}

kp_random_hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

# Reads KEY from the stack's config file (empty if absent).
kp_conf_get() {
	[ -f "$KP_CONF" ] || return 0
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$KP_CONF" | tail -n 1
}

# Creates the database and its user (the password is kept in the config
# file, so a second run reuses it), then writes the config file. DEV=1 turns
# the dev IdP on.
kp_db_setup() {
	local pw
	pw=$(kp_conf_get db_password)
	[[ $pw =~ ^[0-9a-f]{32,}$ ]] || pw=$(kp_random_hex 24)
	kp_db_client <<-SQL || return 1
		CREATE DATABASE IF NOT EXISTS kaptajn
		  CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci;
		CREATE USER IF NOT EXISTS 'kaptajn'@'localhost' IDENTIFIED BY '$pw';
		ALTER USER 'kaptajn'@'localhost' IDENTIFIED BY '$pw';
		GRANT ALL PRIVILEGES ON kaptajn.* TO 'kaptajn'@'localhost';
	SQL
	KP_DB_PASSWORD=$pw
}

# kp_config_extra FILE: each "key = value" line of KAPTAJN_CONFIG_EXTRA (a
# test's own stack pointing a side at its own broker) replaces the line of
# that key in FILE, or is added at the end when FILE has none. Blank lines
# and # comments are skipped; any other line is refused.
kp_config_extra() {
	printf '%s\n' "$KAPTAJN_CONFIG_EXTRA" | awk '
		function key(s) { sub(/^[ \t]*/, "", s); sub(/[ \t]*=.*$/, "", s); return s }
		FNR == NR {
			if ($0 ~ /^[ \t]*(#.*)?$/) next
			if ($0 !~ /^[ \t]*[a-z0-9_]+[ \t]*=/) { print "KAPTAJN_CONFIG_EXTRA: not a key = value line: " $0 > "/dev/stderr"; bad = 1; exit 1 }
			k = key($0); if (!(k in extra)) order[++n] = k; extra[k] = $0; next
		}
		$0 ~ /^[ \t]*[a-z0-9_]+[ \t]*=/ && (key($0) in extra) { k = key($0); if (!(k in done)) print extra[k]; done[k] = 1; next }
		{ print }
		END { if (bad) exit 1; for (i = 1; i <= n; i++) if (!(order[i] in done)) print extra[order[i]] }
	' - "$1" >"$1.extra" && mv -f "$1.extra" "$1" || { rm -f "$1.extra"; return 1; }
}

# kp_config_write DEV [PORT]: writes VAR/kaptajn.conf (mode 0600) atomically.
# With DEV=1 and PORT (nginx's), both sides log in through the dev IdP's
# OpenID provider on 127.0.0.1:PORT (discovery, client secret, public_url).
# Issuers and JWKS files come from KAPTAJN_CITIZEN_ISSUER,
# KAPTAJN_CITIZEN_JWKS, KAPTAJN_STAFF_ISSUER, KAPTAJN_STAFF_JWKS; with DEV=1
# those left unset are the dev IdP's, with DEV=0 they stay empty (the pools
# then refuse to start: no dev key stands in for a broker's). The purge
# interval is KAPTAJN_PURGE_INTERVAL (seconds, default 600). Then
# KAPTAJN_CONFIG_EXTRA's lines replace or add keys (kp_config_extra).
kp_config_write() {
	local dev=${1:-1} port=${2:-} devdir= devoidc=
	local ciss=${KAPTAJN_CITIZEN_ISSUER:-} cjwks=${KAPTAJN_CITIZEN_JWKS:-}
	local siss=${KAPTAJN_STAFF_ISSUER:-} sjwks=${KAPTAJN_STAFF_JWKS:-}
	if [ "$dev" = 1 ]; then
		devdir=$KP_DEVIDP
		ciss=${ciss:-https://dev-idp.kaptajn.invalid/citizen}
		cjwks=${cjwks:-$KP_DEVIDP/jwks.json}
		siss=${siss:-https://dev-idp.kaptajn.invalid/staff}
		sjwks=${sjwks:-$KP_DEVIDP/jwks.json}
		# The dev IdP as the OpenID provider of both sides (code flow).
		# With TLS (kp_tls_check) all of it is on https, and the pools
		# trust the stack's own certificate.
		if [ -n "$port" ]; then
			# The keys then come from the discovery's jwks_uri. The dev
			# IdP's staff tokens carry a loa, so the staff level is
			# checked here as a broker's may be (its default is none).
			cjwks= sjwks=
			local origin=http://127.0.0.1:$port
			kp_tls_check || return 1
			[ -n "$KP_TLS_CERT" ] && origin=https://127.0.0.1:$KP_TLS_PORT
			devoidc="citizen_discovery = $origin/dev-idp/.well-known/openid-configuration
citizen_client_secret_file = $KP_DEVIDP/client-secret
staff_discovery = $origin/dev-idp/staff/.well-known/openid-configuration
staff_client_secret_file = $KP_DEVIDP/client-secret
staff_role_claim = role
staff_min_loa = substantial
public_url = $origin
oidc_cache_dir = $KP_VAR/oidc
dev_idp_url = $origin/dev-idp${KP_TLS_CERT:+
oidc_ca_file = $KP_TLS_CERT}"
		fi
	fi
	(
		umask 077
		cat >"$KP_CONF.tmp" <<-EOF
			# Written by scripts/lib.sh; rewritten on every start.
			db_socket = $KP_DB_SOCKET
			db_name = kaptajn
			db_user = kaptajn
			db_password = $KP_DB_PASSWORD
			db_timeout = 5
			keys_file = $KP_KEYS/master.key
			citizen_issuer = $ciss
			citizen_audience = kaptajn-citizen
			citizen_jwks = $cjwks
			staff_issuer = $siss
			staff_audience = kaptajn-admin
			staff_jwks = $sjwks
			dev_idp_dir = $devdir
			$devoidc
			# Seconds between purges of spent token ids and of sessions that
			# ended a day ago, by the citizen pool (0..86400; 0: none here).
			purge_interval = ${KAPTAJN_PURGE_INTERVAL:-600}
		EOF
		[ -z "${KAPTAJN_CONFIG_EXTRA:-}" ] || kp_config_extra "$KP_CONF.tmp" || exit 1
		mv -f "$KP_CONF.tmp" "$KP_CONF"
	)
}

# kp_step NAME CMD...: runs one set-up command, its output also kept in
# LOG/setup.log. A sanitized build that only reports leaks at exit still
# counts as done (the stack is usable; scripts/test fails the run on the
# report it finds in the logs); any other failure is a failure.
kp_step() {
	local name=$1 rc=0 out; shift
	out=$(mktemp)
	"$@" >"$out" 2>&1 || rc=$?
	cat "$out" >&2
	cat "$out" >>"$KP_LOG/setup.log"
	if [ "$rc" -ne 0 ] && grep -q 'ERROR: LeakSanitizer' "$out" &&
		! grep -q -E 'ERROR: AddressSanitizer|runtime error:' "$out"; then
		kp_warn "$name reported leaks (see $KP_LOG/setup.log); going on"
		rc=0
	fi
	rm -f "$out"
	[ "$rc" -eq 0 ] || kp_warn "$name failed ($rc)"
	return "$rc"
}

# kp_app_prepare BIN DEV: keys, schema and, with DEV=1, the dev IdP's keys
# and the demo data. Without dev mode no dev key is made and nobody is
# seeded. Each step is a no-op when already done.
kp_app_prepare() {
	local bin=$1 dev=${2:-1}
	kp_step keygen "$bin" keygen --out "$KP_KEYS/master.key" || return 1
	if [ "$dev" = 1 ]; then
		mkdir -p "$KP_DEVIDP"
		(umask 077 && mkdir -p "$KP_VAR/oidc")
		kp_step devidp-keygen "$bin" devidp-keygen --dir "$KP_DEVIDP" || return 1
	fi
	kp_log "migrating"
	kp_step migrate "$bin" migrate --config "$KP_CONF" --migrations "$KP_REPO/migrations" || return 1
	if [ "$dev" = 1 ]; then
		kp_log "seeding demo data"
		kp_step seed "$bin" seed --config "$KP_CONF" || return 1
	fi
}

kp_pool_ready() { [ -S "$1" ] && kp_pid_of "$2" "$1" >/dev/null; }

# kp_pool_start BIN POOL [WORKERS]: (re)starts one FastCGI pool on
# RUN/POOL.sock; a running one is stopped first, so a rebuilt binary is
# picked up. Its log (access log and errors) is LOG/POOL.log. When
# KAPTAJN_WRAP is set, the pool runs under that command (split into words,
# e.g. "valgrind --log-file=..."); it must keep the pool's pid, as valgrind
# does, since the pid file and the stop go by it.
kp_pool_start() {
	local bin=$1 pool=$2 workers=${3:-2}
	local sock=$KP_RUN/$pool.sock pidf=$KP_RUN/$pool.pid log=$KP_LOG/$pool.log
	local -a wrap=()
	[ -n "${KAPTAJN_WRAP:-}" ] && read -r -a wrap <<<"$KAPTAJN_WRAP"
	kp_stop "$pidf" "$sock" "$pool pool"
	rm -f "$sock"
	kp_log "starting the $pool pool ($workers workers)${wrap[0]:+ under ${wrap[0]}}"
	setsid "${wrap[@]}" "$bin" serve --config "$KP_CONF" --pool "$pool" --socket "$sock" \
		--workers "$workers" --pidfile "$pidf" </dev/null >>"$log" 2>&1 &
	local launched=$! wait=20
	# Under valgrind a pool starts many times slower.
	[ "${#wrap[@]}" -gt 0 ] && wait=120
	if ! KP_WAIT_PID=$launched kp_wait_for "$wait" kp_pool_ready "$sock" "$pidf"; then
		if kp_alive "$launched" && [ -S "$sock" ] && [ ! -s "$pidf" ]; then
			kp_warn "$pool pool wrote no pid file; recording pid $launched"
			printf '%s\n' "$launched" >"$pidf"
			return 0
		fi
		kp_warn "the $pool pool did not start; end of $log:"
		tail -n 20 "$log" >&2
		kp_alive "$launched" && kill -TERM "$launched" 2>/dev/null
		return 1
	fi
}

# The fuzz targets: tests/fuzz/fuzz_<target>.c, built as build-fuzz/fuzz_<target>.
KP_FUZZ_TARGETS=(request json route cookie token)

# kp_fuzz_build: builds the libFuzzer harnesses into build-fuzz/ (clang,
# ASan + UBSan); the program and the unit tests are not built there.
kp_fuzz_build() {
	kp_build build-fuzz -DCMAKE_C_COMPILER=clang -DKAPTAJN_FUZZ=ON -DKAPTAJN_TESTS=OFF \
		-DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1"
}

# kp_fuzz TARGET SECONDS DIR: fuzzes one target for SECONDS from a copy of
# its seed corpus in DIR/corpus (the committed tests/fuzz/corpus/ is never
# written), with its dictionary when it has one. The output is DIR/fuzz.log;
# a crash, leak, timeout or broken property leaves its input in DIR
# (crash-*, leak-*, timeout-*, oom-*) and returns non-zero.
kp_fuzz() {
	local target=$1 secs=$2 dir=$3 max_len
	local bin=$KP_REPO/build-fuzz/fuzz_$target
	local -a opts=()
	[ -x "$bin" ] || { kp_warn "no $bin (kp_fuzz_build first)"; return 1; }
	# Inputs a little over each parser's own cap.
	case $target in
	json) max_len=70000 ;;       # bodies: 64 KiB
	token) max_len=9000 ;;       # TOKEN_MAX_LEN 8192
	request) max_len=8192 ;;
	*) max_len=4096 ;;
	esac
	[ -f "$KP_REPO/tests/fuzz/$target.dict" ] && opts+=("-dict=$KP_REPO/tests/fuzz/$target.dict")
	rm -rf "$dir"
	mkdir -p "$dir/corpus" || return 1
	cp "$KP_REPO/tests/fuzz/corpus/$target"/* "$dir/corpus/" || return 1
	# Leaks are bugs here too; fast unwinding keeps the fuzzer quick.
	ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	TMPDIR=$dir "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
		-max_len="$max_len" -print_final_stats=1 -artifact_prefix="$dir/" "${opts[@]}" \
		"$dir/corpus" </dev/null >"$dir/fuzz.log" 2>&1
}

# Escapes a replacement for sed's s|...|...|.
kp_sed_repl() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# Rate limits per client address (nginx limit_req), production values by
# default: logins 10 a minute with a burst of 20, writes 10 a second with a
# burst of 50. A rate is N r/s or N r/m; a burst is a count.
KP_RATE_LOGIN_DEFAULT=10r/m
KP_RATE_LOGIN_BURST_DEFAULT=20
KP_RATE_WRITE_DEFAULT=10r/s
KP_RATE_WRITE_BURST_DEFAULT=50

# Loose limits for test stacks, where every test file, the soak and the
# benchmark log in and write from 127.0.0.1 at once, thousands a second;
# values already in the environment are kept.
kp_rate_limits_loose() {
	export KAPTAJN_RATE_LOGIN=${KAPTAJN_RATE_LOGIN:-100000r/s}
	export KAPTAJN_RATE_LOGIN_BURST=${KAPTAJN_RATE_LOGIN_BURST:-100000}
	export KAPTAJN_RATE_WRITE=${KAPTAJN_RATE_WRITE:-100000r/s}
	export KAPTAJN_RATE_WRITE_BURST=${KAPTAJN_RATE_WRITE_BURST:-100000}
}

# kp_rate_check NAME VALUE rate|burst: refuses a value nginx would misread.
kp_rate_check() {
	case $3 in
	rate) [[ $2 =~ ^[1-9][0-9]{0,5}r/[sm]$ ]] ;;
	*) [[ $2 =~ ^[0-9]{1,6}$ ]] ;;
	esac || { kp_warn "$1=$2 is not a $3 (rates: 10r/s, 30r/m; bursts: 0-999999)"; return 1; }
}

# kp_rate_interval RATE: the whole seconds (at least 1) between two
# requests at RATE (N r/s or N r/m), for Retry-After.
kp_rate_interval() {
	local n=${1%r/*} per=1
	[ "${1##*/}" = m ] && per=60
	printf '%s\n' $(((per + n - 1) / n))
}

# kp_tls_check: checks the TLS settings. KAPTAJN_TLS_CERT and
# KAPTAJN_TLS_KEY (PEM files, both or neither) turn HTTPS on, on port
# KAPTAJN_TLS_PORT (default 443); without them the stack is plain HTTP on
# loopback. Sets KP_TLS_CERT and KP_TLS_KEY (absolute paths) and
# KP_TLS_PORT, or leaves KP_TLS_CERT empty.
kp_tls_check() {
	KP_TLS_CERT='' KP_TLS_KEY='' KP_TLS_PORT=${KAPTAJN_TLS_PORT:-443}
	local cert=${KAPTAJN_TLS_CERT:-} key=${KAPTAJN_TLS_KEY:-} f
	[ -z "$cert$key" ] && return 0
	[ -n "$cert" ] && [ -n "$key" ] ||
		{ kp_warn "KAPTAJN_TLS_CERT and KAPTAJN_TLS_KEY go together: set both or neither"; return 1; }
	[[ $KP_TLS_PORT =~ ^[1-9][0-9]{0,4}$ ]] && [ "$KP_TLS_PORT" -le 65535 ] ||
		{ kp_warn "KAPTAJN_TLS_PORT=$KP_TLS_PORT is not a port"; return 1; }
	for f in "$cert" "$key"; do
		[ -r "$f" ] && [ -f "$f" ] || { kp_warn "no readable TLS file at $f"; return 1; }
		case $f in *'"'* | *'\'* | *$'\n'*) kp_warn "TLS file name $f has a quote, backslash or newline"; return 1 ;; esac
	done
	KP_TLS_CERT=$(realpath "$cert") && KP_TLS_KEY=$(realpath "$key")
}

# kp_nginx_render PORT DEV: renders nginx/kaptajn.conf.in and its includes
# into VAR/nginx/ and checks the result with nginx -t. The rate limits come
# from KAPTAJN_RATE_LOGIN, KAPTAJN_RATE_LOGIN_BURST, KAPTAJN_RATE_WRITE and
# KAPTAJN_RATE_WRITE_BURST (defaults above); TLS from kp_tls_check.
kp_nginx_render() {
	local port=$1 dev=${2:-1} user devconf f
	local tls=off tlsport=''
	kp_tls_check || return 1
	[ -n "$KP_TLS_CERT" ] && tls=on
	[ "$KP_TLS_PORT" = 443 ] || tlsport=:$KP_TLS_PORT
	local rl=${KAPTAJN_RATE_LOGIN:-$KP_RATE_LOGIN_DEFAULT}
	local rlb=${KAPTAJN_RATE_LOGIN_BURST:-$KP_RATE_LOGIN_BURST_DEFAULT}
	local rw=${KAPTAJN_RATE_WRITE:-$KP_RATE_WRITE_DEFAULT}
	local rwb=${KAPTAJN_RATE_WRITE_BURST:-$KP_RATE_WRITE_BURST_DEFAULT}
	kp_rate_check KAPTAJN_RATE_LOGIN "$rl" rate || return 1
	kp_rate_check KAPTAJN_RATE_LOGIN_BURST "$rlb" burst || return 1
	kp_rate_check KAPTAJN_RATE_WRITE "$rw" rate || return 1
	kp_rate_check KAPTAJN_RATE_WRITE_BURST "$rwb" burst || return 1
	local retry i1 i2
	i1=$(kp_rate_interval "$rl")
	i2=$(kp_rate_interval "$rw")
	retry=$((i1 > i2 ? i1 : i2))
	devconf="dev-idp-off.conf"
	[ "$dev" = 1 ] && devconf="dev-idp-on.conf"
	user='# (not started as root: no user directive)'
	[ "$(id -u)" -eq 0 ] && user='user root root;'
	mkdir -p "$KP_NGINX"/tmp/{client_body,proxy,fastcgi,uwsgi,scgi}
	local subst=(
		-e "s|@PORT@|$(kp_sed_repl "$port")|g"
		-e "s|@RUN@|$(kp_sed_repl "$KP_RUN")|g"
		-e "s|@LOG@|$(kp_sed_repl "$KP_LOG")|g"
		-e "s|@NGINX@|$(kp_sed_repl "$KP_NGINX")|g"
		-e "s|@WEB@|$(kp_sed_repl "$KP_REPO/web")|g"
		-e "s|@USER@|$(kp_sed_repl "$user")|g"
		-e "s|@DEVIDP_CONF@|$devconf|g"
		-e "s|@RATE_LOGIN@|$rl|g"
		-e "s|@RATE_LOGIN_BURST@|$rlb|g"
		-e "s|@RATE_WRITE@|$rw|g"
		-e "s|@RATE_WRITE_BURST@|$rwb|g"
		-e "s|@RATE_RETRY_AFTER@|$retry|g"
		-e "s|@TLS_CONF@|tls-$tls.conf|g"
		-e "s|@TLS_REDIRECT_CONF@|tls-redirect-$tls.conf|g"
		-e "s|@TLS_PORT@|$KP_TLS_PORT|g"
		-e "s|@TLS_AUTHORITY_PORT@|$tlsport|g"
		-e "s|@TLS_CERT@|$(kp_sed_repl "$KP_TLS_CERT")|g"
		-e "s|@TLS_KEY@|$(kp_sed_repl "$KP_TLS_KEY")|g"
	)
	for f in "$KP_REPO"/nginx/*.conf; do
		sed "${subst[@]}" "$f" >"$KP_NGINX/$(basename "$f")"
	done
	sed "${subst[@]}" "$KP_REPO/nginx/kaptajn.conf.in" >"$KP_NGINX/nginx.conf"
	if grep -n '@[A-Z_]*@' "$KP_NGINX"/*.conf >&2; then
		kp_warn "unrendered placeholders in $KP_NGINX"
		return 1
	fi
	nginx -t -q -p "$KP_NGINX/" -c "$KP_NGINX/nginx.conf" \
		-e "$KP_LOG/nginx-error.log" || { kp_warn "nginx -t failed"; return 1; }
}

# Starts nginx on the rendered config, or reloads a running one (HUP).
kp_nginx_start() {
	local pid
	if pid=$(kp_pid_of "$KP_RUN/nginx.pid" "$KP_NGINX/nginx.conf"); then
		kp_log "reloading nginx (pid $pid)"
		kill -HUP "$pid"
		sleep 0.5
		return 0
	fi
	rm -f "$KP_RUN/nginx.pid"
	kp_log "starting nginx"
	nginx -p "$KP_NGINX/" -c "$KP_NGINX/nginx.conf" -e "$KP_LOG/nginx-error.log" ||
		{ tail -n 5 "$KP_LOG/nginx-error.log" >&2; return 1; }
	kp_wait_for 10 kp_pid_of "$KP_RUN/nginx.pid" "$KP_NGINX/nginx.conf" >/dev/null
}

# kp_http_status URL: prints the status code of a GET (000 when no answer).
kp_http_status() {
	# -k: a probe of the stack's own nginx, whose certificate may be a
	# test's self-signed one.
	curl -s -k -o /dev/null -w '%{http_code}' --max-time 3 "$1" 2>/dev/null || true
}
kp_http_is() { [ "$(kp_http_status "$1")" = "$2" ]; }

# Prints a TCP port on 127.0.0.1 that nothing listens on now.
kp_free_port() {
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	return 1
}

# kp_stack_start VAR PORT BIN [DEV]: starts (or brings up to date) the whole
# stack in VAR with nginx on 127.0.0.1:PORT. DEV=1 (default) runs the dev
# IdP. Pool sizes: KAPTAJN_WORKERS (default 2; the dev IdP gets 1).
kp_stack_start() {
	local var=$1 port=$2 bin=$3 dev=${4:-1} workers=${KAPTAJN_WORKERS:-2}
	case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
	[ -x "$bin" ] || { kp_warn "no program at $bin (build first)"; return 1; }
	kp_stack_paths "$var" --create
	printf '%s\n' "$port" >"$KP_VAR/port"
	kp_db_start || return 1
	kp_db_setup || return 1
	kp_config_write "$dev" "$port" || return 1
	kp_app_prepare "$bin" "$dev" || return 1
	kp_pool_start "$bin" citizen "$workers" || return 1
	kp_pool_start "$bin" admin "$workers" || return 1
	if [ "$dev" = 1 ]; then
		kp_pool_start "$bin" devidp 1 || return 1
	else
		kp_stop "$KP_RUN/devidp.pid" "$KP_RUN/devidp.sock" "devidp pool"
	fi
	kp_nginx_render "$port" "$dev" || return 1
	kp_nginx_start || return 1
	local url=http://127.0.0.1:$port
	[ -n "$KP_TLS_CERT" ] && url=https://127.0.0.1:$KP_TLS_PORT
	if ! kp_wait_for 20 kp_http_is "$url/api/v1/healthz" 200; then
		kp_warn "$url/api/v1/healthz does not answer 200"
		return 1
	fi
	# In dev mode both sides log in through the dev IdP, whose discovery
	# and keys the pools' refresh jobs fetch once nginx answers (retries
	# from 1 s after the first try at start, doubling): until then a login
	# is a 503.
	if [ "$dev" = 1 ] && ! kp_wait_for 30 test -s "$KP_VAR/oidc/citizen.jwks.json" -a \
		-s "$KP_VAR/oidc/staff.jwks.json"; then
		kp_warn "the pools have not fetched the dev IdP's keys into $KP_VAR/oidc"
		return 1
	fi
	kp_log "stack up in $KP_VAR on $url/"
}

# kp_stack_stop VAR [SECONDS]: stops what the stack in VAR started, by pid:
# nginx, the pools (each given SECONDS to drain and exit, default 15), then
# MariaDB. Leaves the data in place.
kp_stack_stop() {
	local var=$1 secs=${2:-15} pool
	[ -d "$var" ] || return 0
	kp_stack_paths "$var"
	kp_stop "$KP_RUN/nginx.pid" "$KP_NGINX/nginx.conf" nginx
	for pool in citizen admin devidp; do
		kp_stop "$KP_RUN/$pool.pid" "$KP_RUN/$pool.sock" "$pool pool" "$secs"
		rm -f "$KP_RUN/$pool.sock"
	done
	kp_stop "$KP_RUN/mysqld.pid" "$KP_DATADIR" MariaDB 60
	if [ -f "$KP_VAR/rundir" ] && [ "$KP_RUN" != "$KP_VAR/run" ]; then
		case $KP_RUN in /tmp/kaptajn.*) rm -rf "$KP_RUN" ;; esac
		rm -f "$KP_VAR/rundir"
	fi
}

# kp_stack_env VAR [BIN]: prints the environment the tests use to find the
# stack in VAR, as shell assignments.
kp_stack_env() {
	local var=$1 bin=${2:-${KAPTAJN_BIN:-$KP_REPO/build/kaptajn}} port
	kp_stack_paths "$var"
	port=$(cat "$KP_VAR/port" 2>/dev/null || echo 8080)
	case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
	printf 'KAPTAJN_URL=%q\n' "http://127.0.0.1:$port"
	printf 'KAPTAJN_BIN=%q\n' "$bin"
	printf 'KAPTAJN_CONFIG=%q\n' "$KP_CONF"
	printf 'KAPTAJN_VAR=%q\n' "$KP_VAR"
	printf 'KAPTAJN_RUN=%q\n' "$KP_RUN"
	printf 'KAPTAJN_DB_SOCKET=%q\n' "$KP_DB_SOCKET"
	printf 'KAPTAJN_REPO=%q\n' "$KP_REPO"
}
