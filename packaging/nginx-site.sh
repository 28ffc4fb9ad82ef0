#!/usr/bin/env bash
# nginx-site.sh OUT: renders the production nginx configuration from the
# same template as the development stack (nginx/kaptajn.conf.in and the
# includes beside it), so that the two cannot drift apart. CMake runs it at
# build time; the package installs what it writes:
#
#   OUT/kaptajn            /etc/nginx/sites-available/kaptajn (a conffile)
#   OUT/admin-allow.conf   /etc/kaptajn/admin-allow.conf (a conffile)
#   OUT/nginx/*.conf       /usr/share/kaptajn/nginx/ (the site's includes)
#
# Production values: HTTPS on 443 (and [::]:443) with the certificate in
# /etc/ssl/certs/kaptajn.pem and its key in /etc/ssl/private/kaptajn.key,
# plain HTTP on 80 redirecting to it, server_name kaptajn.example.dk (the
# operator's own name goes there), the pools' sockets in /run/kaptajn, the
# portal in /usr/share/kaptajn/web, no dev IdP, the default rate limits.
# The site is a file of Debian's sites-available: the template's http
# block without what Debian's /etc/nginx/nginx.conf already sets there
# (types, default_type, sendfile, tcp_nopush, gzip on, the temp paths) and
# without the main context (user, pid, error_log, events); its access log
# goes into the server, so that other sites keep theirs.
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"

out=${1:?usage: nginx-site.sh OUT}
share=/usr/share/kaptajn/nginx
server_name=kaptajn.example.dk
src=$KP_REPO/nginx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

retry=$(kp_rate_interval "$KP_RATE_LOGIN_DEFAULT")
r2=$(kp_rate_interval "$KP_RATE_WRITE_DEFAULT")
[ "$r2" -gt "$retry" ] && retry=$r2
vals=(
	PORT=80 RUN=/run/kaptajn LOG=/var/log/nginx NGINX=/var/lib/nginx
	WEB=/usr/share/kaptajn/web USER= DEVIDP_CONF=dev-idp-off.conf
	"RATE_LOGIN=$KP_RATE_LOGIN_DEFAULT" "RATE_LOGIN_BURST=$KP_RATE_LOGIN_BURST_DEFAULT"
	"RATE_WRITE=$KP_RATE_WRITE_DEFAULT" "RATE_WRITE_BURST=$KP_RATE_WRITE_BURST_DEFAULT"
	"RATE_RETRY_AFTER=$retry" TLS_CONF=tls-on.conf TLS_REDIRECT_CONF=tls-redirect-on.conf
	TLS_PORT=443 TLS_AUTHORITY_PORT= TLS_CERT=/etc/ssl/certs/kaptajn.pem
	TLS_KEY=/etc/ssl/private/kaptajn.key
)
subst=()
for kv in "${vals[@]}"; do
	subst+=(-e "s|@${kv%%=*}@|$(kp_sed_repl "${kv#*=}")|g")
done
# Includes are relative to the prefix in the stack; here they are absolute:
# the admin allow-list is the operator's, in /etc/kaptajn.
subst+=(-e 's|^\([[:space:]]*include\) admin-allow\.conf;|\1 /etc/kaptajn/admin-allow.conf;|'
	-e "s|^\\([[:space:]]*include\\) \\([a-z0-9-]*\\.conf\\);|\\1 $share/\\2;|")
for f in "$src"/*.conf; do
	sed "${subst[@]}" "$f" >"$tmp/$(basename "$f")"
done
sed "${subst[@]}" "$src/kaptajn.conf.in" >"$tmp/template"

# The http block's body; the TLS includes are written into the site, where
# the operator sets the name and the certificate.
awk -v share="$share/" -v dir="$tmp/" -v name="$server_name" '
function emit(s) {
	sub(/^    /, "", s)
	if (s ~ /^[ \t]*server_name _;/) sub(/_;/, name ";", s)
	gsub(/ default_server/, "", s)
	print s
	if (s ~ /^[ \t]*listen [0-9]+/) { sub(/listen /, "listen [::]:", s); print s }
}
function inline(file, indent,   l) {
	while ((getline l < file) > 0)
		if (l !~ /^[ \t]*#/) emit(indent l)
	close(file)
}
{
	code = $0; sub(/#.*/, "", code)
	opens = gsub(/\{/, "{", code); closes = gsub(/\}/, "}", code)
	if (!inhttp) {
		if (depth == 0 && code ~ /^[ \t]*http[ \t]*\{/) { inhttp = 1; depth = 1; next }
		depth += opens - closes
		next
	}
	was = depth; depth += opens - closes
	if (depth == 0) { inhttp = 0; next }
	if (skipping) { if (depth == 1) skipping = 0; next }
	if (was == 1 && code ~ /^[ \t]*types[ \t]*\{/) { skipping = 1; next }
	if (was == 1 && code ~ /^[ \t]*(default_type|sendfile|tcp_nopush|gzip|[a-z_]+_temp_path)[ \t]/) next
	if (was == 1 && code ~ /^[ \t]*access_log[ \t]/) {
		accesslog = $0
		sub(/nginx-access\.log/, "kaptajn-access.log", accesslog)
		next
	}
	if (match(code, /include [^;]*\/tls-[a-z-]+\.conf;/)) {
		f = code; sub(/^[ \t]*include /, "", f); sub(/;.*/, "", f); sub(/.*\//, "", f)
		ind = $0; sub(/[^ \t].*/, "", ind)
		inline(dir f, ind)
		next
	}
	emit($0)
	if (was == 1 && code ~ /^[ \t]*server[ \t]*\{/ && accesslog != "") emit("    " accesslog)
}' "$tmp/template" >"$tmp/site.body"

mkdir -p "$out/nginx"
{
	cat <<-HEAD
		# /etc/nginx/sites-available/kaptajn: Kaptajn behind Debian's nginx.
		# Made from nginx/kaptajn.conf.in by packaging/nginx-site.sh; the
		# includes are in $share/ (part of the package), the
		# admin allow-list in /etc/kaptajn/admin-allow.conf.
		#
		# Before enabling it (ln -s ../sites-available/kaptajn
		# /etc/nginx/sites-enabled/): put your name in place of
		# $server_name (twice), the certificate chain in
		# /etc/ssl/certs/kaptajn.pem and its key in
		# /etc/ssl/private/kaptajn.key, your caseworkers' networks in
		# /etc/kaptajn/admin-allow.conf; then nginx -t.
		
	HEAD
	cat "$tmp/site.body"
} >"$tmp/kaptajn"
for f in "$tmp"/*.conf; do
	case $(basename "$f") in
	dev-idp-on.conf | tls-*.conf | admin-allow.conf) ;;
	*) cp "$f" "$tmp/ship-$(basename "$f")" ;;
	esac
done
if grep -n -E '@[A-Z_]+@' "$tmp/kaptajn" "$tmp"/ship-*.conf "$tmp/admin-allow.conf" >&2; then
	kp_warn "unrendered placeholders: packaging/nginx-site.sh lacks a value"
	exit 1
fi
if grep -n -E '^[[:space:]]*include [^/]' "$tmp/kaptajn" "$tmp"/ship-*.conf >&2; then
	kp_warn "a relative include is left"
	exit 1
fi
rm -f "$out"/nginx/*.conf
for f in "$tmp"/ship-*.conf; do
	cp "$f" "$out/nginx/${f##*/ship-}"
done
cp "$tmp/kaptajn" "$out/kaptajn"
cp "$tmp/admin-allow.conf" "$out/admin-allow.conf"
