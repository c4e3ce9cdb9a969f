#!/bin/sh
# Build the release tarball and build and install from it; build the
# Debian package, install it on this machine, check what it set up, then
# purge it and check what goes and what stays.  Needs root and a Debian
# system; it changes the machine (package, group "rshell", a test account,
# the log directory) and puts it back as it was.
#
#	tests/packaging/deb-test.sh
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
shell=/usr/sbin/rshell
policy=/etc/rshell/policy
logdir=/var/log/rshell
log=$logdir/rshell.log
account=rshell-pkgtest
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

notok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}

# check DESCRIPTION COMMAND...: one test, passing when COMMAND succeeds;
# its output is shown only when it fails.
check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		notok "$desc"
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	fi
}

fatal() {
	echo "Bail out! $*"
	exit 1
}

installed() {
	dpkg-query -W -f='${Status}' rshell 2>/dev/null |
	    grep -q 'install ok installed'
}

# owner:group mode of a path, as "root:rshell 750".
perms() {
	stat -c '%U:%G %a' "$1" 2>/dev/null
}

append_only() {
	lsattr -d "$1" 2>/dev/null | cut -d' ' -f1 | grep -q a
}

cleanup() {
	if getent passwd "$account" >/dev/null; then
		userdel "$account" 2>/dev/null
	fi
	if installed; then
		dpkg --purge rshell >/dev/null 2>&1
	fi
	if [ "$hadgroup" = no ] && getent group rshell >/dev/null; then
		groupdel rshell 2>/dev/null
	fi
	# The purge keeps the logs; the test removes what it made.
	if [ "$hadlogdir" = no ] && [ -d "$logdir" ]; then
		chattr -R -a "$logdir" 2>/dev/null
		rm -rf "$logdir"
	fi
	rm -rf "$work"
}

[ "$(id -u)" = 0 ] || fatal "run as root: the test installs a package"
command -v dpkg >/dev/null || fatal "not a Debian system"
dpkg-query -W rshell >/dev/null 2>&1 &&
    fatal "rshell is already known to dpkg; purge it first"
getent passwd "$account" >/dev/null && fatal "account $account exists"
if getent group rshell >/dev/null; then hadgroup=yes; else hadgroup=no; fi
if [ -e "$logdir" ]; then hadlogdir=yes; else hadlogdir=no; fi
work=$(mktemp -d) || fatal "mktemp failed"
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

version=$(dpkg-parsechangelog -l "$top/packaging/debian/changelog" -S Version)
deb=$top/dist/rshell_${version}_$(dpkg --print-architecture).deb

# --- the RPM spec (rpmlint's wishes, without rpmlint) ---------------------
spec=$top/packaging/rshell.spec
check "the spec has a URL" grep -Eq '^URL:[[:space:]]+[^[:space:]]+' "$spec"
check "the spec requires logrotate" \
    grep -Eq '^Requires:[[:space:]]+logrotate$' "$spec"
check "the spec's version is $version" \
    grep -Eq "^Version:[[:space:]]+$version\$" "$spec"
check "the spec's Source0 is the tarball make dist writes" \
    grep -Eq '^Source0:[[:space:]]+%\{name\}-%\{version\}\.tar\.gz$' "$spec"
check "the spec ships the README" grep -Eq '^%doc README.md$' "$spec"

# --- the man pages say rshell, not BSD ------------------------------------
for page in rshell/rshell.8 policy/rshell.policy.5; do
	for fmt in "mandoc -T ascii" "groff -mandoc -T ascii"; do
		command -v "${fmt%% *}" >/dev/null || continue
		$fmt "$top/$page" 2>/dev/null > "$work/page"
		check "$page through ${fmt%% *}: header without BSD" \
		    sh -c "head -n 1 '$work/page' | grep -v BSD | grep -q ."
		check "$page through ${fmt%% *}: footer names rshell $version" \
		    sh -c "sed '/^\$/d' '$work/page' | tail -n 1 |
		    grep -v BSD | grep -q 'rshell $version'"
	done
done

# --- make dist, and a build from the tarball ------------------------------
tarball=$top/dist/rshell-$version.tar.gz
rm -f "$tarball"
check "make dist writes dist/${tarball##*/}" \
    sh -c "make -C '$top' dist >/dev/null 2>&1 && test -f '$tarball'"
check "everything in the tarball is under rshell-$version/" \
    sh -c "! tar -tzf '$tarball' | grep -v '^rshell-$version/'"
tar -xzf "$tarball" -C "$work" 2>/dev/null
check "the tarball builds" make -C "$work/rshell-$version"
check "the binary built from the tarball is version $version" \
    sh -c "'$work/rshell-$version/rshell/rshell' -V | grep -qx 'rshell $version'"
# The build above compiled in /etc/rshell/policy: an install with another
# SYSCONFDIR must rebuild, not install a binary that reads another file.
make -C "$work/rshell-$version" install DESTDIR="$work/stage" PREFIX=/usr \
    SYSCONFDIR=/opt/rshell-pkgtest/etc >/dev/null 2>&1
check "make install SYSCONFDIR=... installs the example policy there" \
    test -f "$work/stage/opt/rshell-pkgtest/etc/rshell/policy"
check "make install SYSCONFDIR=... after make rebuilds to read its policy" \
    sh -c "'$work/stage/usr/sbin/rshell' -t 2>&1 |
    grep -q '^/opt/rshell-pkgtest/etc/rshell/policy'"

# --- build --------------------------------------------------------------
rm -f "$deb"
buildlog=$(mktemp) || fatal "mktemp failed"
if ! make -C "$top" deb >"$buildlog" 2>&1; then
	sed 's/^/# /' "$buildlog"
	rm -f "$buildlog"
	fatal "make deb failed"
fi
rm -f "$buildlog"
check "make deb leaves dist/${deb##*/}" test -f "$deb"
check "the package records the glibc and libbsd rshell is linked with" \
    sh -c "dpkg-deb -f '$deb' Built-Using | grep -q 'glibc (= .*libbsd (= '"

if command -v lintian >/dev/null; then
	tags=$(lintian --allow-root "$deb" 2>&1)
	if echo "$tags" | grep -q '^E:'; then
		echo "$tags" | sed 's/^/# /'
		notok "lintian reports no errors"
	else
		ok "lintian reports no errors"
	fi
fi

# --- install ------------------------------------------------------------
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" \
    >/dev/null 2>&1 || fatal "cannot install $deb"
check "package is installed" installed
check "$shell is in /etc/shells" grep -qx "$shell" /etc/shells
check "rshell -V prints $version" sh -c "$shell -V | grep -q '$version'"
check "$shell is a static PIE, no dynamic loader" \
    sh -c "file -L $shell | grep -q 'static-pie linked'"
check "the example policy passes rshell -t" $shell -t -f $policy
$shell -t 2>&1 | sed 's/^/# /'
check "rshell -t checks $policy by default" \
    sh -c "$shell -t | grep -qF '$policy: ok'"
check "$policy is a conffile" \
    sh -c "dpkg-query -W -f='\${Conffiles}' rshell | grep -q ' $policy '"
check "the policy is root:root 644" test "$(perms $policy)" = "root:root 644"
check "group rshell exists" getent group rshell
check "$logdir is root:rshell 750" test "$(perms $logdir)" = "root:rshell 750"
check "$log is root:rshell 620" test "$(perms $log)" = "root:rshell 620"
check "logrotate snippet installed" test -f /etc/logrotate.d/rshell
check "rshell(8) installed" test -f /usr/share/man/man8/rshell.8.gz
check "rshell.policy(5) installed" \
    test -f /usr/share/man/man5/rshell.policy.5.gz
check "the README is in /usr/share/doc/rshell" \
    sh -c "test -f /usr/share/doc/rshell/README.md.gz ||
    test -f /usr/share/doc/rshell/README.md"
check "rshell-report installed" test -x /usr/sbin/rshell-report
check "rshell-report(8) installed" \
    test -f /usr/share/man/man8/rshell-report.8.gz
check "rshell-report reads the policy's log" \
    sh -c "/usr/sbin/rshell-report --json | grep -q '\"schema\":\"rshell-report/1\"'"
check "the Prometheus timer is installed" \
    test -f /lib/systemd/system/rshell-report.timer
if command -v systemctl >/dev/null; then
	check "the Prometheus timer is not enabled" \
	    sh -c "! systemctl is-enabled rshell-report.timer 2>/dev/null | grep -qx enabled"
fi
check "the example policy permits nothing" \
    sh -c "$shell -n -u root -c true | grep -q '^deny: no rule'"
if command -v logrotate >/dev/null; then
	check "logrotate accepts the snippet" \
	    logrotate -d /etc/logrotate.d/rshell
fi

# --- the log layout, seen from a backup account --------------------------
useradd --system --no-create-home --home-dir /nonexistent \
    --shell "$shell" --groups rshell "$account" ||
    fatal "cannot create account $account"
check "the account is in group rshell" \
    sh -c "runuser -u $account -- id -Gn | tr ' ' '\n' | grep -qx rshell"
runuser -u "$account" -- $shell -c true 2>/dev/null
check "a refused request exits 1" test $? = 1
check "the account appends to the log" \
    grep -q "event=deny .*user=$account .*cmd=true reason=" $log
check "the account cannot read the log" \
    sh -c "runuser -u $account -- cat $log 2>&1 | grep -q 'Permission denied'"
check "the account cannot create files in $logdir" \
    sh -c "runuser -u $account -- touch $logdir/x 2>&1 |
    grep -q 'Permission denied'"
if append_only $log; then
	check "the account cannot truncate the append-only log" \
	    sh -c "runuser -u $account -- truncate -s 0 $log 2>&1 |
	    grep -q 'Operation not permitted'"
	check "the log still holds the account's line" \
	    grep -q "user=$account" $log
else
	echo "# $log is not append-only here (file system): truncation not checked"
fi
userdel "$account"

# --- reinstall keeps the administrator's policy --------------------------
echo "# local change" >>$policy
DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold "$deb" \
    >/dev/null 2>&1 || fatal "cannot reinstall $deb"
check "reinstalling keeps a changed policy" grep -qx "# local change" $policy
check "reinstalling keeps the log" grep -q "user=$account" $log

# --- purge ----------------------------------------------------------------
dpkg --purge rshell >/dev/null 2>&1 || fatal "dpkg --purge rshell failed"
check "package is gone" sh -c "! dpkg-query -W rshell >/dev/null 2>&1"
check "$shell is gone from /etc/shells" sh -c "! grep -qx $shell /etc/shells"
check "$shell is gone" test ! -e $shell
check "/etc/rshell is gone" test ! -e /etc/rshell
check "the purge keeps $logdir (the audit trail)" test -d $logdir
check "the purge keeps the log and its lines" grep -q "user=$account" $log

echo "1..$n"
[ "$failed" = 0 ]
