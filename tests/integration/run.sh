#!/usr/bin/env bash
#
# Integration tests: rshell as the login shell of a throwaway account behind
# a real OpenSSH sshd on 127.0.0.1, driven by the real ssh and rsync clients.
# Every scenario asserts on the files on disk and on the log lines.
#
# usage: run.sh RSHELL [SCENARIO ...]
#	RSHELL is the built binary; the sources beside it are built once more
#	with the test policy path compiled in.  SCENARIO names (the list
#	below) select a subset.  RSHELL_IT_VERBOSE=1 shows the output of
#	passing scenarios too; RSHELL_IT_KEEP=1 keeps the temporary
#	directory; RSHELL_IT_TMPDIR puts it elsewhere than /tmp.
#
# Needs root (it creates accounts and runs sshd); as any other user it says
# so and exits 0, so that "make check" still runs the rest.

# shellcheck source-path=SCRIPTDIR disable=SC2317
# (SC2317: the scenarios are called through it_test.)

set -u

if [ "$(id -u)" != 0 ]; then
	echo "integration tests need root (they create an account and run sshd): skipped"
	exit 0
fi
if [ $# -lt 1 ]; then
	echo "usage: $0 RSHELL [SCENARIO ...]" >&2
	exit 2
fi
rshell=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$(dirname "$rshell")/.." && pwd)
. "$here/lib.sh"

"$rshell" -V >/dev/null 2>&1 || it_die "$rshell -V failed: build rshell first"

# The scenarios, in the order they run; each is a function sc_NAME below
# and can run alone.
scenarios=(
	"control	the harness: push and pull through a /bin/sh account"
	"policy	the test copy of rshell reads its policy; ssh true"
	"tree	push a tree, --delete, --link-dest snapshot, pull back byte for byte"
	"classic	pinned forced command with absolute; key= confined to its directory"
	"fakesuper	fake-super keeps owners and modes in xattrs, a pull restores them"
	"interactive	interactive login refused, with and without a tty"
	"commands	ssh host id and other commands refused"
	"logforge	requests with newlines, quotes and control bytes cannot forge log lines"
	"inject	-e/--rsh, --rsync-path and shell metacharacter injection refused"
	"pullonly	a push under a pull-only rule refused"
	"symlink	an uploaded symlink cannot be pulled or pushed through"
	"munge	with munge-links an uploaded symlink is stored munged and leads nowhere"
	"listings	ls -l, du -s, df through sshd"
	"concurrency	32 pushes and 32 listings at once: one permit and one exit each"
	"failclosed	an unwritable log refuses every request"
	"badpolicy	a malformed or writable policy refuses every request"
	"secluded	rsync -s, --secluded-args, RSYNC_PROTECT_ARGS=1 push and pull awkward names as without -s"
	"secludedhostile	hostile protected arguments refused and logged; a stalled or flooding client in time"
	"clients	--rsync-path=/usr/bin/rsync, host:~/x/, openrsync's command line with -8"
	"sftp	sftp and scp are refused, and logged; what their users see"
	"rotation	logrotate while sessions run: every line in one file, rshell-report joins a permit in .1 to its exit"
	"snapshot	three pushes make three snapshots sharing unchanged files; --delete, an interrupted push resumed, pulls and listings of snapshots"
	"outside	nothing written outside, the log well formed"
)
for want in "$@"; do
	case " ${scenarios[*]%%	*} " in
	*" $want "*) ;;
	*) it_die "no scenario named $want" ;;
	esac
done

it_setup "$src" plain
T=$it_tmp
B=$T/backup
S=$T/src

# ---- fixture ------------------------------------------------------------

mkdirs()
{
	local d
	for d in "$@"; do
		install -d -o "$IT_USER" -g "$IT_USER" -m 0755 "$d"
	done
}

mkdirs "$B/laptop" "$B/ro" "$B/munge" "$B/fs" "$B/$IT_USER/conc" "$B/snap"
for i in $(seq -f %02g 1 8); do
	mkdirs "$B/k$i"
done
# A directory the account could write to if confinement failed: the target
# of every escape attempt.
mkdirs "$T/outside"
echo "secret" >"$T/outside/secret.txt"
chown "$IT_USER:$IT_USER" "$T/outside/secret.txt"
echo "readable" >"$B/ro/file.txt"
chown "$IT_USER:$IT_USER" "$B/ro/file.txt"

it_key main "$IT_USER" restrict
it_key tty "$IT_USER" no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-user-rc
it_key laptop "$IT_USER" 'restrict,command="key=laptop"'
# The classic pinned form: judged under the account's own rule, which has
# "absolute" so that the pinned absolute path is taken as it is.
it_key pinned "$IT_USER" "restrict,command=\"rsync --server -ulogDtprz . $B/$IT_USER/classic/\""
it_key ro "$IT_USER" 'restrict,command="key=ro"'
it_key munge "$IT_USER" 'restrict,command="key=munge"'
it_key fs "$IT_USER" 'restrict,command="key=fs"'
it_key snap "$IT_USER" 'restrict,command="key=snap"'
for i in $(seq -f %02g 1 8); do
	it_key "k$i" "$IT_USER" "restrict,command=\"key=k$i\""
done
it_key plain "$IT_PLAIN" restrict

{
	cat <<EOF
# rshell integration test policy
rsync /usr/bin/rsync
log $IT_LOG
permit push pull list absolute $IT_USER dir $B/%u
permit push pull list key laptop $IT_USER dir $B/laptop
permit pull list key ro $IT_USER dir $B/ro
permit push pull list munge-links key munge $IT_USER dir $B/munge
permit push pull list fake-super key fs $IT_USER dir $B/fs
permit push pull list snapshot key snap $IT_USER dir $B/snap
EOF
	for i in $(seq -f %02g 1 8); do
		echo "permit push pull list key k$i $IT_USER dir $B/k$i"
	done
} | it_policy

# The trees pushed around; what the client receives goes under $C.
C=$T/client
mkdir "$C"
mk_small()
{
	mkdir -p "$1/sub"
	echo "alpha" >"$1/a.txt"
	head -c 65536 /dev/urandom >"$1/b.bin"
	echo "nested" >"$1/sub/c.txt"
}

mk_tree()
{
	local d=$1
	mkdir -p "$d/d1/d2/d3" "$d/Ünïcödé dir" "$d/dir with spaces"
	echo "hello" >"$d/a.txt"
	: >"$d/empty"
	head -c 100K /dev/urandom >"$d/b.bin"
	head -c 50M /dev/urandom >"$d/big.bin"
	echo "deep" >"$d/d1/d2/d3/deep.txt"
	echo "файл" >"$d/Ünïcödé dir/файл ✓.txt"
	echo "two spaces" >"$d/dir with spaces/name with  two spaces.txt"
	echo "dash" >"$d/-dash.txt"
	touch -d '2020-01-02 03:04:05' "$d/-dash.txt"
	echo "日本語" >"$d/日本語.txt"
	ln -s a.txt "$d/link-to-a"
	ln -s d1/d2 "$d/dirlink"
	ln -s ../../a.txt "$d/d1/d2/up-link"
	chmod 0600 "$d/b.bin"
	chmod 0755 "$d/d1/d2/d3/deep.txt"
	touch -d '2020-01-02 03:04:05' "$d/a.txt"
}

mk_small "$S/small"
mk_small "$S/mid"
head -c 4M /dev/urandom >"$S/mid/mid.bin"
mk_tree "$S/tree"

it_start

# ---- scenarios ----------------------------------------------------------

sc_control()
{
	# The harness itself, without rshell: a /bin/sh account.
	expect_success it_rsync plain -a "$S/small/" ":$B/$IT_PLAIN/ctl/"
	same_tree "$S/small" "$B/$IT_PLAIN/ctl"
	expect_success it_rsync plain -a ":$B/$IT_PLAIN/ctl/" "$C/ctl-pulled/"
	same_tree "$S/small" "$C/ctl-pulled"
	expect_success it_ssh plain id -un
	stdout_has "$IT_PLAIN"
	[ -z "$(log_new)" ] || fail "a /bin/sh session wrote to rshell's log"
}

sc_policy()
{
	expect_success "$T/rshell" -t
	expect_success "$T/rshell" -n -u "$IT_USER" -c true
	stdout_has permit
	expect_success it_ssh main true
	log_session permit 0 "user=$IT_USER" 'cmd=true'
	log_has 'event=permit' "uid=$(id -u "$IT_USER")" 'from=' '127.0.0.1' 'key=-'
}

sc_tree()
{
	local d=$B/$IT_USER/snap t2=$S/tree2 ino1 ino2

	expect_success it_rsync main -a --mkpath "$S/tree/" :snap/2026-11-26/
	same_tree "$S/tree" "$d/2026-11-26"
	log_session permit 0 'cmd="rsync --server ' ' . snap/2026-11-26/'

	# Again with --delete, after removing, changing and adding a file.
	cp -a "$S/tree" "$t2"
	rm "$t2/b.bin" "$t2/日本語.txt"
	echo "changed" >>"$t2/a.txt"
	echo "new" >"$t2/new.txt"
	log_mark
	expect_success it_rsync main -a --delete "$t2/" :snap/2026-11-26/
	same_tree "$t2" "$d/2026-11-26"
	absent "$d/2026-11-26/b.bin"
	absent "$d/2026-11-26/日本語.txt"
	log_session permit 0 ' --delete' ' . snap/2026-11-26/'

	# A dated snapshot: unchanged files are hard links into the previous one.
	echo "later" >>"$t2/a.txt"
	log_mark
	expect_success it_rsync main -a --delete --link-dest=../2026-11-26 \
	    "$t2/" :snap/2026-11-27/
	same_tree "$t2" "$d/2026-11-27"
	ino1=$(stat -c %i "$d/2026-11-26/big.bin")
	ino2=$(stat -c %i "$d/2026-11-27/big.bin")
	[ "$ino1" = "$ino2" ] || fail "big.bin was copied, not linked"
	[ "$(stat -c %i "$d/2026-11-26/a.txt")" != \
	    "$(stat -c %i "$d/2026-11-27/a.txt")" ] ||
		fail "the changed a.txt is a link into the old snapshot"
	log_session permit 0 '--link-dest' ' . snap/2026-11-27/'

	# Pull it back, whole and one file whose name needs quoting.
	log_mark
	expect_success it_rsync main -a :snap/2026-11-27/ "$C/pulled/"
	same_tree "$t2" "$C/pulled"
	log_session permit 0 '--sender' 'snap/2026-11-27/'
	log_mark
	expect_success it_rsync main -a \
	    ":snap/2026-11-27/Ünïcödé dir/файл ✓.txt" "$C/pulled1/"
	cmp "$t2/Ünïcödé dir/файл ✓.txt" "$C/pulled1/файл ✓.txt" ||
		fail "the UTF-8 file differs"
	expect_success it_rsync main -a \
	    ":snap/2026-11-27/dir with spaces/" "$C/pulled2/"
	same_tree "$t2/dir with spaces" "$C/pulled2"
	[ "$(log_grep 'event=permit ' '--sender' | wc -l)" = 2 ] ||
		fail "expected two permitted pulls"
}

sc_classic()
{
	# A pinned forced command: the client's own path is ignored.
	local c=$B/$IT_USER/classic
	expect_success it_rsync pinned -auz "$S/small/" :whatever/
	same_tree "$S/small" "$c"
	absent "$c/whatever"
	absent "$B/$IT_USER/whatever"
	absent "$c/$c"
	log_session permit 0 "forced=\"rsync --server -ulogDtprz . $c/\"" \
	    'cmd="rsync --server -ulogDtprze.iLsfxCIvu . whatever/"'

	# A key= key works inside its own directory, "/" being that directory.
	log_mark
	expect_success it_rsync laptop -a "$S/small/" :
	same_tree "$S/small" "$B/laptop"
	expect_success it_rsync laptop -a "$S/small/" :/second/
	same_tree "$S/small" "$B/laptop/second"
	log_session permit 0 'key=laptop' ' . .'
	log_session permit 0 'key=laptop' ' . /second/'
	expect_success it_ssh laptop ls
	stdout_has second
	log_session permit 0 'key=laptop' 'cmd=ls'

	# ... and nowhere else.
	log_mark
	expect_refused it_rsync laptop -a "$S/small/" ":../$IT_USER/stolen/"
	absent "$B/$IT_USER/stolen"
	expect_refused it_ssh laptop ls ..
	[ "$(log_grep 'event=deny ' 'key=laptop' | wc -l)" = 2 ] ||
		fail "expected two refusals for key laptop"
	# An absolute path is taken beneath the directory too.
	run it_rsync laptop -a "$S/small/" ":$B/$IT_USER/stolen/"
	absent "$B/$IT_USER/stolen"

	# key=NAME typed by a client without that forced command is refused,
	# and so is a key= key with no command of its own.
	log_mark
	# Neither establishes the key, so neither is logged under it.
	expect_refused it_ssh main key=laptop
	log_session deny - ' key=- ' 'cmd="key=laptop"'
	log_mark
	expect_refused it_ssh laptop </dev/null
	log_session deny - ' key=- ' 'cmd="key=laptop"'
}

sc_fakesuper()
{
	local f=$S/fs st

	mkdir -p "$f/dir"
	echo "owned" >"$f/dir/file"
	chown 1234:5678 "$f/dir/file"
	chmod 4750 "$f/dir/file"
	chown 2345:3456 "$f/dir"
	chmod 0705 "$f/dir"
	expect_success it_rsync fs -a --numeric-ids "$f/" :
	log_session permit 0 'key=fs' '--fake-super'
	[ "$(stat -c %U "$B/fs/dir/file")" = "$IT_USER" ] ||
		fail "the stored file is not owned by $IT_USER"
	st=$(getfattr --absolute-names --only-values -n user.rsync.%stat \
	    "$B/fs/dir/file") || fail "no user.rsync.%stat on the stored file"
	echo "user.rsync.%stat: $st"
	case $st in
	*1234:5678*) ;;
	*) fail "the xattr does not record 1234:5678" ;;
	esac

	log_mark
	expect_success it_rsync fs -a --numeric-ids : "$C/fs-pulled/"
	log_session permit 0 'key=fs' '--sender'
	[ "$(stat -c '%u:%g %a' "$C/fs-pulled/dir/file")" = "1234:5678 4750" ] ||
		fail "file restored as $(stat -c '%u:%g %a' "$C/fs-pulled/dir/file")"
	[ "$(stat -c '%u:%g %a' "$C/fs-pulled/dir")" = "2345:3456 705" ] ||
		fail "dir restored as $(stat -c '%u:%g %a' "$C/fs-pulled/dir")"
}

sc_interactive()
{
	expect_failure it_ssh main </dev/null
	[ "$it_rc" = 1 ] || fail "status $it_rc, expected 1"
	stderr_has 'interactive login is not allowed'
	log_session deny - 'interactive'

	log_mark
	expect_failure it_ssh tty -tt </dev/null
	[ "$it_rc" = 1 ] || fail "status $it_rc, expected 1"
	stdout_has 'interactive login is not allowed'
	log_session deny - 'interactive'
}

sc_commands()
{
	local c n=0
	# shellcheck disable=SC2016
	for c in id 'cat /etc/passwd' 'sh -c id' '/bin/sh' 'bash -i' \
	    'rsync --daemon' 'scp -t /tmp' '/usr/lib/openssh/sftp-server' \
	    'ls; id' "printf '%s' x" 'ls $(id)'; do
		expect_refused it_ssh main "$c"
		stdout_lacks 'uid='
		n=$((n + 1))
	done
	[ "$(log_grep 'event=deny ' "user=$IT_USER" | wc -l)" = "$n" ] ||
		fail "expected $n deny lines"
	log_lacks 'event=permit '
	log_has 'event=deny ' 'cmd=id '
}

sc_logforge()
{
	local c n=0 line
	# Requests that try to start a line or a field of their own in the log.
	for c in $'true\ntime=2020-01-01T00:00:00.000Z event=permit pid=1 user=root' \
	    $'true\rtime=x event=permit' \
	    'ls " user=root key=forged' \
	    $'ls \x01\x1b[2J \xff\xfe' \
	    'id "a b" user=root event=permit'; do
		run it_ssh main "$c"
		[ "$it_rc" != 0 ] || fail "status 0 for a forged request"
		n=$((n + 1))
	done
	log_wellformed
	[ "$(log_grep 'event=deny ' | wc -l)" = "$n" ] ||
		fail "expected $n deny lines"
	[ "$(log_new | wc -l)" = "$n" ] || fail "expected $n lines in all"
	while IFS= read -r line; do
		[ "$(log_field "$line" user)" = "$IT_USER" ] ||
			fail "user field forged: $line"
		[ "$(log_field "$line" event)" = deny ] ||
			fail "event field forged: $line"
		[ "$(log_field "$line" key)" = - ] ||
			fail "key field forged: $line"
	done < <(log_new)
}

sc_inject()
{
	local p=$T/outside/pwned n=0 c

	for c in "rsync --server -e 'touch $p' . x/" \
	    "rsync --server --rsh='touch $p' . x/" \
	    "rsync --server --rsh=touch\\ $p . x/" \
	    "rsync --server -vlogDtpre.iLsfxCIvu . x/; touch $p" \
	    "rsync --server -vlogDtpre.iLsfxCIvu . \$(touch $p)" \
	    "rsync --server -vlogDtpre.iLsfxCIvu . \`touch $p\`" \
	    "rsync --server -vlogDtpre.iLsfxCIvu --log-file=$p . x/" \
	    "rsync --server -vlogDtpre.iLsfxCIvu --config=$p . x/" \
	    "rsync --server --sender -vlogDtpre.iLsfxCIvu --write-batch=$p . x/"; do
		expect_refused it_ssh main "$c"
		n=$((n + 1))
	done
	# Through the rsync client: a remote option and a remote rsync path.
	expect_refused it_rsync main -a "-M--rsh=touch $p" "$S/small/" :x/
	n=$((n + 1))
	expect_refused it_rsync main -a --rsync-path="touch $p; rsync" \
	    "$S/small/" :x/
	n=$((n + 1))
	absent "$p"
	absent "$B/$IT_USER/x"
	[ "$(log_grep 'event=deny ' "user=$IT_USER" | wc -l)" = "$n" ] ||
		fail "expected $n deny lines"
	log_lacks 'event=permit '
}

sc_pullonly()
{
	local before
	before=$(manifest "$B/ro")
	expect_refused it_rsync ro -a "$S/small/" :
	expect_refused it_rsync ro -a "$S/small/" :sub/
	expect_refused it_rsync ro -a --delete "$S/small/" :/
	[ "$(manifest "$B/ro")" = "$before" ] || fail "the pull-only directory changed"
	[ "$(log_grep 'event=deny ' 'key=ro' | wc -l)" = 3 ] ||
		fail "expected three refusals for key ro"
	log_mark
	expect_success it_rsync ro -a : "$C/ro-pulled/"
	same_tree "$B/ro" "$C/ro-pulled"
	log_session permit 0 'key=ro' '--sender'
}

# The links an attacker uploads: an absolute one and a relative one, both to
# $T/outside, a directory the account itself may write to.
mk_evil()
{
	mkdir -p "$1"
	ln -s "$T/outside" "$1/escape"
	ln -s ../../../outside "$1/rel-escape"
	ln -s "$T/outside/secret.txt" "$1/secret-link"
}

sc_symlink()
{
	local e=$S/evil before
	before=$(manifest "$T/outside")
	mk_evil "$e"
	# Uploading a link is allowed: it is data, stored as it is.
	expect_success it_rsync main -a "$e/" :evil/
	[ "$(readlink "$B/$IT_USER/evil/escape")" = "$T/outside" ] ||
		fail "the link was not stored as sent"
	log_session permit 0 ' . evil/'

	log_mark
	expect_refused it_rsync main -a :evil/escape/secret.txt "$C/got1/"
	expect_refused it_rsync main -a :evil/escape/ "$C/got2/"
	expect_refused it_rsync main -a :evil/rel-escape/secret.txt "$C/got3/"
	expect_refused it_rsync main -a "$S/small/" :evil/escape/
	expect_refused it_rsync main -a "$S/small/" :evil/rel-escape/in/
	expect_refused it_ssh main ls -l evil/escape/
	stdout_lacks secret.txt
	expect_refused it_ssh main du -s evil/rel-escape/
	# Options that would follow links on the sending side.
	expect_refused it_rsync main -aL :evil/ "$C/got4/"
	expect_refused it_rsync main -a --copy-unsafe-links :evil/ "$C/got5/"
	[ "$(log_grep 'event=deny ' "user=$IT_USER" | wc -l)" = 9 ] ||
		fail "expected nine deny lines"
	log_lacks 'event=permit '

	# Pulling the directory sends the links as links, never their targets.
	log_mark
	expect_success it_rsync main -a :evil/ "$C/got6/"
	[ -L "$C/got6/escape" ] || fail "escape did not come back as a link"
	log_session permit 0 '--sender' ' . evil/'
	[ -z "$(find "$C"/got* -name secret.txt -type f)" ] ||
		fail "the secret came back"
	[ "$(manifest "$T/outside")" = "$before" ] || fail "outside changed"
}

sc_munge()
{
	local e=$S/evil before t n
	before=$(manifest "$T/outside")
	[ -d "$e" ] || mk_evil "$e"
	expect_success it_rsync munge -a "$e/" :evil/
	t=$(readlink "$B/munge/evil/escape")
	case $t in
	/rsyncd-munged/*) ;;
	*) fail "the link was stored unmunged: $t" ;;
	esac
	log_session permit 0 'key=munge' '--munge-links'

	log_mark
	expect_failure it_rsync munge -a :evil/escape/secret.txt "$C/gotm1/"
	expect_failure it_rsync munge -a "$S/small/" :evil/escape/
	expect_failure it_ssh munge ls -l evil/escape/
	# Each attempt was refused by rshell or ended in an error, and logged.
	n=$(log_grep "user=$IT_USER" 'key=munge' |
	    grep -c -e 'event=deny ' -e 'event=exit ' || true)
	[ "$n" = 3 ] || fail "expected three deny or failed exit lines, got $n"
	log_lacks 'event=exit ' 'status=0'
	# The link itself comes back un-munged, as a link, never as the file.
	run it_rsync munge -a :evil/secret-link "$C/gotm2/"
	[ ! -f "$C/gotm2/secret-link" ] || [ -L "$C/gotm2/secret-link" ] ||
		fail "the link was followed"
	[ -z "$(find "$C"/gotm* -name secret.txt -type f 2>/dev/null)" ] ||
		fail "the secret came back"
	[ "$(manifest "$T/outside")" = "$before" ] || fail "outside changed"
}

sc_listings()
{
	local d=$B/$IT_USER/snap/2026-11-27 want got

	if [ ! -d "$d" ]; then
		expect_success it_rsync main -a --mkpath "$S/tree/" :snap/2026-11-27/
		log_mark
	fi
	expect_success it_ssh main ls -l snap/2026-11-27
	log_session permit 0 'cmd="ls -l snap/2026-11-27"'
	# What coreutils' ls shows, byte for byte (sshd passes no TZ or locale).
	# shellcheck disable=SC2012
	want=$(cd "$d" && env -u TZ LC_ALL=C ls -l)
	[ "$want" = "$(cat "$it_out")" ] ||
		{ diff <(echo "$want") "$it_out"; fail "ls -l differs from coreutils"; }
	stdout_has 'Ünïcödé dir'
	stdout_has 'link-to-a -> a.txt'
	stdout_has ' 2020 -dash.txt'

	log_mark
	expect_success it_ssh main ls -lR snap/2026-11-27
	# shellcheck disable=SC2012
	want=$(cd "$B/$IT_USER" && env -u TZ LC_ALL=C ls -lR snap/2026-11-27)
	[ "$want" = "$(cat "$it_out")" ] ||
		{ diff <(echo "$want") "$it_out"; fail "ls -lR differs from coreutils"; }
	stdout_has 'name with  two spaces.txt'
	log_session permit 0 'cmd="ls -lR snap/2026-11-27"'

	log_mark
	expect_success it_ssh main du -s snap
	want=$(cd "$B/$IT_USER" && du -s snap)
	[ "$(cat "$it_out")" = "$want" ] || fail "du -s: expected '$want'"
	log_session permit 0 'cmd="du -s snap"'

	log_mark
	expect_success it_ssh main df
	head -n 1 "$it_out" | grep -q '^Filesystem  *1K-blocks  *Used  *Available  *Use%  *Mounted on$' ||
		fail "df: not coreutils' header"
	# The filesystem of the directory: its size and mount point (the
	# device may be shown as "-").
	want=$(df --output=size,target "$B/$IT_USER" | awk 'NR == 2 { print $1, $2 }')
	got=$(awk 'NR == 2 { print $2, $6 }' "$it_out")
	[ "$want" = "$got" ] || fail "df: expected '$want', got '$got'"
	[ "$(wc -l <"$it_out")" = 2 ] || fail "df: expected one filesystem"
	log_session permit 0 'cmd=df'

	log_mark
	expect_refused it_ssh main ls -l ..
	expect_refused it_ssh main du -s ../..
	[ "$(log_grep 'event=deny ' "user=$IT_USER" | wc -l)" = 2 ] ||
		fail "expected two deny lines"
	# An absolute path is DIRECTORY/etc, which does not exist: the
	# listing's own error, as GNU ls gives it, with an exit line.
	log_mark
	expect_failure it_ssh main ls -l /etc
	[ "$it_rc" = 2 ] || fail "ls of a missing file: status $it_rc, not 2"
	stderr_has "ls: cannot access '/etc': No such file or directory"
	stdout_lacks passwd
	log_session permit 2 'cmd="ls -l /etc"'
}

sc_concurrency()
{
	local i k pids=() bad=0 lines pid n
	local o=$T/out/conc

	mkdir -p "$o"
	for i in $(seq -w 1 32); do
		if [ "$i" -le 8 ]; then
			it_rsync "k$i" -a "$S/mid/" : >"$o/push$i" 2>&1 &
		else
			it_rsync main -a "$S/mid/" ":conc/c$i/" >"$o/push$i" 2>&1 &
		fi
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { bad=$((bad + 1)); cat "$o/push$(printf %02d $((i + 1)))"; }
	done
	[ "$bad" = 0 ] || fail "$bad of 32 pushes failed"
	for i in $(seq -w 1 32); do
		if [ "$i" -le 8 ]; then
			k=$B/k$i
		else
			k=$B/$IT_USER/conc/c$i
		fi
		same_tree "$S/mid" "$k"
	done

	pids=()
	for i in $(seq -w 1 32); do
		if [ "$i" -le 8 ]; then
			it_ssh "k$i" ls -l sub >"$o/ls$i" 2>&1 &
		else
			it_ssh main ls -l "conc/c$i" >"$o/ls$i" 2>&1 &
		fi
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || fail "$bad of 32 listings failed"
	for i in $(seq -w 1 32); do
		if [ "$i" -le 8 ]; then
			grep -q ' c.txt$' "$o/ls$i" || fail "listing $i: no c.txt"
		else
			grep -q ' mid.bin$' "$o/ls$i" || fail "listing $i: no mid.bin"
		fi
	done

	# One permit and one exit line per session, each exit with status 0.
	log_wellformed
	n=$(log_grep 'event=permit ' | wc -l)
	[ "$n" = 64 ] || fail "$n permit lines, expected 64"
	n=$(log_grep 'event=exit ' | wc -l)
	[ "$n" = 64 ] || fail "$n exit lines, expected 64"
	[ -z "$(log_grep 'event=deny ')$(log_grep 'event=error ')" ] ||
		fail "deny or error lines"
	lines=$(log_new)
	for pid in $(log_grep 'event=permit ' | grep -o ' pid=[0-9]*' | cut -d= -f2); do
		n=$(printf '%s\n' "$lines" | grep -c " pid=$pid " || true)
		[ "$n" = 2 ] || fail "pid $pid: $n lines, expected a permit and an exit"
		printf '%s\n' "$lines" | grep "event=exit pid=$pid " |
		    grep -q ' status=0\( \|$\)' || fail "pid $pid: no exit with status 0"
	done
	n=$(log_grep 'event=permit ' | grep -o ' pid=[0-9]*' | sort -u | wc -l)
	[ "$n" = 64 ] || fail "$n distinct pids, expected 64"
}

sc_failclosed()
{
	local n
	# A log rshell cannot append to refuses everything: nothing runs
	# unrecorded.
	trap 'chmod 0620 "$IT_LOG"' EXIT
	chmod 0600 "$IT_LOG"
	n=$(wc -l <"$IT_LOG")
	expect_refused it_ssh main true
	stderr_has 'log'
	expect_refused it_rsync main -a "$S/small/" :failclosed/
	absent "$B/$IT_USER/failclosed"
	[ "$(wc -l <"$IT_LOG")" = "$n" ] || fail "the log grew"
	chmod 0620 "$IT_LOG"
	expect_success it_ssh main true
	log_session permit 0 'cmd=true'
}

sc_badpolicy()
{
	local p=$T/etc/policy
	cp -p "$p" "$T/policy.good"
	# shellcheck disable=SC2064
	trap "cp -p '$T/policy.good' '$p'" EXIT
	# A policy with one bad line is not half applied ...
	echo "permit push frobnicate $IT_USER dir /" >>"$p"
	expect_refused it_ssh main true
	expect_refused it_rsync main -a "$S/small/" :badpolicy/
	absent "$B/$IT_USER/badpolicy"
	log_has 'event=deny ' 'cmd=true'
	log_lacks 'event=permit '
	# ... and one others may write to is not trusted at all.
	cp -p "$T/policy.good" "$p"
	chmod 0664 "$p"
	log_mark
	expect_refused it_ssh main true
	log_lacks 'event=permit '
	chmod 0644 "$p"
	expect_success it_ssh main true
	log_session permit 0 'cmd=true'
}

# A tree whose names need every kind of care: spaces, quotes, a
# backslash, a newline, bytes that are not UTF-8, a leading dash.
mk_awkward()
{
	local d=$1
	mkdir -p "$d/dir with  spaces" "$d/it's \"quoted\"" "$d/caf"$'\xe9'
	echo "spaces" >"$d/dir with  spaces/a b.txt"
	echo "quotes" >"$d/it's \"quoted\"/'\"\`\$(id)\`.txt"
	echo "latin1" >"$d/caf"$'\xe9'"/"$'na\xefve'
	echo "newline" >"$d/new"$'\n'"line.txt"
	echo "backslash" >"$d/back\\slash"
	echo "dash" >"$d/-rf"
	echo "star" >"$d/*.txt"
	ln -s "it's \"quoted\"" "$d/link with space"
	touch -d '2021-02-03 04:05:06' "$d/-rf"
}

# it_rsync with RSYNC_PROTECT_ARGS=1 in the client's environment.
rsync_protect_env()
{
	local RSYNC_PROTECT_ARGS=1
	export RSYNC_PROTECT_ARGS
	it_rsync "$@"
}

sc_secluded()
{
	local a=$S/awkward u=$B/$IT_USER n
	mk_awkward "$a"
	mkdirs "$u/sec"
	# The same push without -s and with each way of asking for it.
	expect_success it_rsync main -a --no-s "$a/" ":sec/plain/"
	same_tree "$a" "$u/sec/plain"
	log_lacks 'secluded='
	log_mark
	expect_success it_rsync main -a -s "$a/" ":sec/s/"
	same_tree "$u/sec/plain" "$u/sec/s"
	log_session permit 0 'secluded=2' 'cmd="rsync --server -logDtpre.iLsfxCIvu . sec/s/"'
	log_mark
	expect_success it_rsync main -a --secluded-args "$a/" ":sec/long/"
	same_tree "$u/sec/plain" "$u/sec/long"
	log_session permit 0 'secluded=2' ' . sec/long/'
	log_mark
	expect_success rsync_protect_env main -a "$a/" ":sec/env/"
	same_tree "$u/sec/plain" "$u/sec/env"
	log_session permit 0 'secluded=2' ' . sec/env/'

	# A destination and sources whose own names are awkward (a newline
	# in a name on the command line is refused with or without -s).
	log_mark
	expect_success it_rsync main -a -s "$a/" ":sec/it's \"q\" caf"$'\xe9'"/"
	same_tree "$a" "$u/sec/it's \"q\" caf"$'\xe9'
	log_session permit 0 'secluded=2' " . 'sec/it'\\\\''s \\\"q\\\" caf\\xE9/'"
	expect_success it_rsync main -a -s ":sec/s/it's \"quoted\"" \
	    ":sec/s/dir with  spaces/a b.txt" ":sec/s/*.txt" "$C/sec-pulled/"
	for n in "it's \"quoted\"" "a b.txt" "*.txt"; do
		[ -e "$C/sec-pulled/$n" ] || fail "$n was not pulled"
	done
	same_tree "$a/it's \"quoted\"" "$C/sec-pulled/it's \"quoted\""

	# Pulls with and without -s land the same tree.
	log_mark
	expect_success it_rsync main -a --no-s ":sec/s/" "$C/sec-plain/"
	expect_success it_rsync main -a -s ":sec/s/" "$C/sec-s/"
	expect_success rsync_protect_env main -a ":sec/s/" "$C/sec-env/"
	same_tree "$a" "$C/sec-plain"
	same_tree "$C/sec-plain" "$C/sec-s"
	same_tree "$C/sec-plain" "$C/sec-env"
	[ "$(log_grep 'event=permit ' '--sender' 'secluded=2' | wc -l)" = 2 ] ||
		fail "expected two pulls with secluded=2"
	log_wellformed
}

# protected ARGS COMMAND: ssh COMMAND with stdin holding ARGS (printf
# escapes: \000 for NUL), as a client with -s sends them.
protected()
{
	local args=$1
	shift
	# shellcheck disable=SC2059
	it_ssh main "$@" < <(printf "$args")
}

sc_secludedhostile()
{
	local p=$T/outside/pwned u=$B/$IT_USER c n=0 t0 t1
	local srv='rsync --server -slogDtpre.iLsfxCIvu'
	mkdirs "$u/hostile"
	ln -sfn "$T/outside" "$u/hostile/out"
	for c in \
	    "rsync\000--rsh=touch $p\000.\000x/\000\000|--rsh is not allowed" \
	    "rsync\000-e\000touch $p\000.\000x/\000\000|-e/--rsh" \
	    "rsync\000--log-file=$p\000.\000x/\000\000|--log-file is not allowed" \
	    "rsync\000--write-batch=$p\000.\000x/\000\000|--write-batch" \
	    "rsync\000-s\000.\000x/\000\000|only on the command line" \
	    "rsync\000--server\000.\000x/\000\000|--server may only" \
	    "rsync\000.\000../outside/\000\000|is not allowed" \
	    "rsync\000.\000hostile/out/\000\000|leads outside" \
	    "rsync\000--link-dest=../../../../outside\000.\000x/\000\000|leads outside" \
	    "rsync\000--iconv=latin1\000.\000x/\000\000|--iconv is not allowed with -s" \
	    "sh\000-c\000touch $p\000\000|do not start with" \
	    "rsync\000.\000x/\000--rsh=sh\000\000|options after"; do
		expect_refused protected "${c%%|*}" "$srv"
		stderr_has "${c#*|}"
		n=$((n + 1))
	done
	# Each refused and logged, with how many words came on stdin.
	[ "$(log_grep 'event=deny ' 'secluded=' | wc -l)" = "$n" ] ||
		fail "expected $n deny lines with secluded="
	log_lacks 'event=permit '
	# The real client with refused options and paths inside -s.
	log_mark
	expect_refused it_rsync main -s -a --copy-unsafe-links :hostile/ "$C/h1/"
	stderr_has '--copy-unsafe-links is not allowed'
	expect_refused it_rsync main -s -a "$S/small/" ":../outside/"
	expect_refused it_rsync main -s -a :hostile/out/secret.txt "$C/h2/"
	expect_refused it_rsync main -s -a --iconv=utf8,latin1 "$S/small/" :x/
	stderr_has '--iconv is not allowed with -s'
	[ "$(log_grep 'event=deny ' 'secluded=' | wc -l)" = 4 ] ||
		fail "expected four deny lines with secluded="
	absent "$p"
	absent "$u/x"
	absent "$C/h2/secret.txt"

	# A client that stops before the empty string and stays connected,
	# and one that floods: both refused within the time limit.
	log_mark
	t0=$(date +%s%N)
	expect_refused it_ssh main "$srv" < <(printf 'rsync\000.\000x/\000'; sleep 20)
	t1=$(date +%s%N)
	stderr_has 'not complete within 5 s'
	[ $(( (t1 - t0) / 1000000 )) -ge 4900 ] &&
	    [ $(( (t1 - t0) / 1000000 )) -lt 10000 ] ||
		fail "a stalled client refused after $(( (t1 - t0) / 1000000 )) ms"
	t0=$(date +%s%N)
	expect_refused it_ssh main "$srv" < <(printf 'rsync\000'; head -c 8M /dev/zero | tr '\0' a)
	t1=$(date +%s%N)
	stderr_has 'more than'
	[ $(( (t1 - t0) / 1000000 )) -lt 5000 ] ||
		fail "a flood refused after $(( (t1 - t0) / 1000000 )) ms"
	log_session deny - 'reason="protected arguments (-s): not complete within 5 s'
	log_session deny - 'reason="protected arguments (-s): more than'
	log_lacks 'event=permit '
	[ "$(log_grep 'event=deny ' "user=$IT_USER" | wc -l)" = 2 ] ||
		fail "expected two deny lines"
	absent "$u/x"
	[ "$(ls -A "$T/outside")" = "secret.txt" ] || fail "something was written to outside"
	log_wellformed
}

# An ssh that runs what openrsync (macOS 15 and later) runs for the same
# transfer: every flag a word of its own, -8, no capability string.  The
# rsync client speaks protocol 27 to it, as openrsync does.
openrsync_ssh()
{
	local k=$1 sender=
	shift
	case " $* " in *" --sender "*) sender=--sender ;; esac
	# shellcheck disable=SC2046
	exec $(it_sshcmd "$k") "$1" rsync --server $sender \
	    -g -l -o -p -D -r -t --dirs -8 . "${@: -1}"
}

sc_clients()
{
	local u=$B/$IT_USER w=$T/openrsync-ssh
	# --rsync-path=/usr/bin/rsync: BackupPC's RsyncClientPath too.
	expect_success it_rsync main -a --rsync-path=/usr/bin/rsync \
	    "$S/small/" :rpath/
	same_tree "$S/small" "$u/rpath"
	log_session permit 0 'cmd="/usr/bin/rsync --server ' ' . rpath/"' \
	    'run="/usr/bin/rsync --server '
	log_mark
	expect_success it_rsync main -a --rsync-path=/usr/bin/rsync -s \
	    :rpath/ "$C/rpath/"
	same_tree "$S/small" "$C/rpath"
	log_session permit 0 'cmd="/usr/bin/rsync --server --sender ' \
	    'secluded=2'

	# host:~/x/ is DIRECTORY/x, push and pull, with and without -s.
	log_mark
	expect_success it_rsync main -a "$S/small/" ':~/tilde/'
	same_tree "$S/small" "$u/tilde"
	expect_success it_rsync main -a -s "$S/mid/" ':~/tilde-s/'
	same_tree "$S/mid" "$u/tilde-s"
	expect_success it_rsync main -a ':~/tilde/' "$C/tilde/"
	same_tree "$S/small" "$C/tilde"
	expect_success it_rsync laptop -a "$S/small/" ':~'
	log_session permit 0 'key=laptop' ' . ~"'
	expect_refused it_rsync main -a ':~root/' "$C/tilde-root/"
	absent "$C/tilde-root"

	# openrsync's command line, -8 and all, push and pull.
	log_mark
	printf '#!/usr/bin/env bash\n. %q\nit_tmp=%q; it_port=%q\n%s\nopenrsync_ssh main "$@"\n' \
	    "$here/lib.sh" "$it_tmp" "$it_port" "$(declare -f openrsync_ssh)" >"$w"
	chmod 0755 "$w"
	expect_success timeout 300 rsync --protocol=27 -e "$w" -a "$S/small/" \
	    "$IT_HOST:openrsync/"
	same_tree "$S/small" "$u/openrsync"
	log_session permit 0 'cmd="rsync --server -g -l -o -p -D -r -t --dirs -8 . openrsync/"'
	log_mark
	expect_success timeout 300 rsync --protocol=27 -e "$w" -a \
	    "$IT_HOST:openrsync/" "$C/openrsync/"
	same_tree "$S/small" "$C/openrsync"
	log_session permit 0 'cmd="rsync --server --sender -g -l -o -p -D -r -t --dirs -8 . openrsync/"'
}

sc_sftp()
{
	local u=$IT_USER@$IT_HOST
	# sshd runs the sftp subsystem through the login shell, which refuses
	# it; the sftp client shows only that the connection closed (the
	# reason is in the log).
	expect_failure it_sftp main -b - "$u" <<<'ls'
	stderr_has 'Connection closed'
	! grep -q 'rshell: denied' "$it_err" || fail "sftp showed the reason"

	log_session deny - 'cmd=/usr/lib/openssh/sftp-server' \
	    'reason="command not allowed: /usr/lib/openssh/sftp-server'
	# scp speaks sftp too (OpenSSH 9); with -O it asks for "scp -t".
	log_mark
	IT_SFTP=scp expect_failure it_sftp main "$S/small/a.txt" "$u:a.txt"
	stderr_has 'Connection closed'
	IT_SFTP=scp expect_refused it_sftp main -O "$S/small/a.txt" "$u:a.txt"
	stderr_has 'command not allowed: scp'
	[ "$(log_grep 'event=deny ' "user=$IT_USER" | wc -l)" = 2 ] ||
		fail "expected two deny lines"
	log_lacks 'event=permit '
	absent "$B/$IT_USER/a.txt"
}

# Pushes that outlast a logrotate move-and-create (logrotate itself where
# it is installed, else mv and a new file): rshell writes the exit line to
# the log as it is named then, so the permit stays in the rotated file and
# the exit lands in the new one, and rshell-report over both joins them.
sc_rotation()
{
	local i f pids=() bad=0 o=$T/out/rot rep=$src/rshell/rshell-report
	local n pid old new json
	mkdir -p "$o"
	mkdirs "$B/$IT_USER/rot"
	head -c 2000000 /dev/urandom >"$o/big"
	for i in 1 2 3 4 5 6; do
		it_rsync main -a --bwlimit=800 "$o/big" ":rot/r$i" \
		    >"$o/push$i" 2>&1 &
		pids+=($!)
	done
	# rotate once all six have logged their permit
	for i in $(seq 600); do
		n=$(log_grep 'event=permit ' | wc -l)
		[ "$n" -lt 6 ] || break
		sleep 0.1
	done
	[ "$n" = 6 ] || fail "$n permits before the rotation, expected 6"
	if command -v logrotate >/dev/null; then
		printf '%s {\n\trotate 5\n\tnocompress\n\tmissingok\n\tcreate 0620 root %s\n}\n' \
		    "$IT_LOG" "$IT_USER" >"$o/logrotate.conf"
		logrotate -f -s "$o/state" "$o/logrotate.conf" ||
			fail "logrotate failed"
	else
		mv "$IT_LOG" "$IT_LOG.1"
		install -o root -g "$IT_USER" -m 0620 /dev/null "$IT_LOG"
	fi
	[ -s "$IT_LOG.1" ] && [ -e "$IT_LOG" ] || fail "no rotation"
	# and four sessions more, all in the new file
	for i in 7 8; do
		it_rsync main -a "$o/big" ":rot/r$i" >"$o/push$i" 2>&1 &
		pids+=($!)
		it_ssh main ls rot >"$o/ls$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || { cat "$o"/push* "$o"/ls*; fail "$bad sessions failed"; }
	# this scenario's lines: the end of the rotated file, the new file
	old=$o/rshell.log.1
	new=$o/rshell.log
	tail -n "+$((it_logpos + 1))" "$IT_LOG.1" >"$old"
	cp "$IT_LOG" "$new"
	mv "$IT_LOG.1" "$o/rotated"
	chgrp root "$o/rotated"
	for f in "$old" "$new"; do
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] ||
			fail "$f does not end with a newline"
	done
	[ -z "$(sort "$old" "$new" | uniq -d)" ] || fail "a line in both files"
	n=$(cat "$old" "$new" | grep -c '^time=[^ ]* event=permit ' || true)
	[ "$n" = 10 ] || fail "$n permit lines, expected 10"
	n=$(cat "$old" "$new" | grep -c '^time=[^ ]* event=exit ' || true)
	[ "$n" = 10 ] || fail "$n exit lines, expected 10"
	n=0
	for pid in $(grep '^time=[^ ]* event=permit ' "$old" |
	    grep -o ' pid=[0-9]*' | cut -d= -f2); do
		[ "$(cat "$old" "$new" | grep -c "^time=[^ ]* event=exit pid=$pid ")" = 1 ] ||
			fail "pid $pid: not one exit line"
		if grep -q "^time=[^ ]* event=exit pid=$pid " "$new"; then
			n=$((n + 1))
		fi
	done
	[ "$n" -ge 1 ] || fail "no permit in .1 with its exit in the new file"
	echo "$n sessions have their permit in .1 and their exit in the new file"
	# rshell-report over both joins them; over the new file alone it cannot
	json=$("$rep" --json "$old" "$new") || fail "rshell-report failed"
	case $json in
	*'"without_exit":{"count":0,'*) ;;
	*) echo "$json"; fail "rshell-report: sessions without an exit" ;;
	esac
	case $json in
	*'"damaged":0,'*) ;;
	*) fail "rshell-report: damaged lines" ;;
	esac
	n=$(printf '%s' "$json" | grep -o '"sessions":[0-9]*' | cut -d: -f2 |
	    awk '{ s += $1 } END { print s }')
	[ "$n" = 10 ] || fail "rshell-report counts $n sessions, expected 10"
	n=$("$rep" --json "$new" | grep -o '"without_exit":[0-9]*' |
	    cut -d: -f2 | awk '{ s += $1 } END { print s }')
	[ "$n" -ge 1 ] || fail "over the new file alone, no exit lacks its permit"
	"$rep" "$old" "$new" | sed 's/^/  /'
}

# wait_for SECONDS CMD...: until CMD succeeds (state, not time, is tested).
wait_for()
{
	local n=$(($1 * 10))
	shift
	while ! "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

exit_logged() { grep -F 'event=exit ' "$IT_LOG" | grep -qF " pid=$1 "; }

sc_snapshot()
{
	local d=$B/snap t=$S/snaptree e=$S/snapempty s1 s2 s3 s4 pid bg

	cp -a "$S/small" "$t"
	head -c 8M /dev/urandom >"$t/big.bin"
	cp -a "$t" "$S/snaptree.1"

	# Three pushes, three snapshots; latest is the newest.
	expect_success it_rsync snap -a "$t/" :
	s1=$(readlink "$d/latest")
	same_tree "$t" "$d/$s1"
	log_session permit 0 'key=snap' ' . .'
	log_has 'event=exit' "snapshot=$s1"
	echo "changed" >>"$t/a.txt"
	log_mark
	expect_success it_rsync snap -a "$t/" :
	s2=$(readlink "$d/latest")
	[ "$s2" \> "$s1" ] || fail "second snapshot $s2 not after $s1"
	same_tree "$t" "$d/$s2"
	[ "$(stat -c %i "$d/$s1/big.bin")" = "$(stat -c %i "$d/$s2/big.bin")" ] ||
		fail "the unchanged big.bin was copied, not linked"
	[ "$(stat -c %i "$d/$s1/sub/c.txt")" = "$(stat -c %i "$d/$s2/sub/c.txt")" ] ||
		fail "the unchanged sub/c.txt was copied, not linked"
	[ "$(stat -c %i "$d/$s1/a.txt")" != "$(stat -c %i "$d/$s2/a.txt")" ] ||
		fail "the changed a.txt is a link into the old snapshot"
	log_has 'event=exit' 'status=0' "snapshot=$s2"

	# --delete of everything: the new snapshot is empty, the others whole.
	mkdir "$e"
	log_mark
	expect_success it_rsync snap -a --delete "$e/" :
	s3=$(readlink "$d/latest")
	[ "$s3" \> "$s2" ] || fail "third snapshot $s3 not after $s2"
	[ -z "$(ls -A "$d/$s3")" ] || fail "$s3 is not empty"
	same_tree "$S/snaptree.1" "$d/$s1"
	same_tree "$t" "$d/$s2"

	# History cannot be rewritten: the server links by itself, nothing
	# is written in place, and a path named like a snapshot is a new
	# directory inside the new snapshot.
	log_mark
	expect_refused it_rsync snap -a --link-dest="../$s1" "$t/" :
	stderr_has 'links against the previous snapshot by itself'
	expect_refused it_rsync snap -a --inplace "$t/" :
	log_session deny - 'key=snap' 'reason="--link-dest is not allowed by the snapshot policy'
	log_session deny - 'key=snap' 'reason="--inplace is not allowed by the snapshot policy'
	[ -z "$(log_grep 'event=permit ')" ] || fail "a refused push ran"
	absent "$d/.incoming"
	expect_success it_rsync snap -a --delete "$e/" ":$s1/"
	same_tree "$S/snaptree.1" "$d/$s1"
	s4=$(readlink "$d/latest")
	[ -d "$d/$s4/$s1" ] || fail "the push to $s1/ is not inside $s4"

	# An interrupted push leaves .incoming; a second push meanwhile is
	# refused (the lock); the next push resumes into it and completes.
	head -c 32M /dev/urandom >"$t/zz-large.bin"
	log_mark
	# timeout passes the kill below on to the client
	timeout 300 rsync -e "$(it_sshcmd snap)" -a --bwlimit=2m "$t/" \
	    "$IT_HOST:" >"$it_tmp/out/bg.out" 2>&1 &
	bg=$!
	wait_for 60 test -e "$d/.incoming/a.txt" ||
		fail "the slow push did not start"
	expect_refused it_rsync snap -a "$t/" :
	stderr_has 'locked by another push'
	pid=$(log_field "$(log_grep 'event=permit ' 'bwlimit')" pid)
	kill "$bg"
	wait "$bg" || true
	wait_for 60 exit_logged "$pid" || fail "the killed push logged no exit"
	[ -d "$d/.incoming" ] || fail "the interrupted push left no .incoming"
	[ "$(readlink "$d/latest")" = "$s4" ] || fail "latest moved"
	log_lacks 'event=exit' "pid=$pid " 'snapshot='
	log_mark
	expect_success it_rsync snap -a "$t/" :
	log_has 'event=exit' 'status=0' 'resumed=yes' 'snapshot='
	s4=$(readlink "$d/latest")
	same_tree "$t" "$d/$s4"
	absent "$d/.incoming"

	# Pulls and listings see the snapshots, read-only.
	log_mark
	expect_success it_rsync snap -a :latest/ "$C/snap-restore/"
	same_tree "$t" "$C/snap-restore"
	expect_success it_rsync snap -a ":$s1/sub/" "$C/snap-old/"
	same_tree "$S/snaptree.1/sub" "$C/snap-old"
	expect_success it_ssh snap ls
	stdout_has "$s1"
	stdout_has latest
	expect_success it_ssh snap du -s "$s1" "$s2"
	stdout_has "$s2"
	log_session permit 0 'key=snap' 'cmd=ls'
}

sc_outside()
{
	# After all of the above: the account owns nothing outside its
	# directories, and the log is whole.
	local found
	found=$(find / /dev/shm /run -xdev \( -user "$IT_USER" -o -group "$IT_USER" \) \
	    ! -path "$B/*" ! -path "$T/outside" ! -path "$T/outside/*" \
	    ! -path "$C/*" ! -path "$C" ! -path "$IT_LOG" -print 2>/dev/null | head)
	[ -z "$found" ] || { echo "$found"; fail "files of $IT_USER outside its directories"; }
	[ "$(ls -A "$T/outside")" = "secret.txt" ] || fail "something was written to outside"
	[ "$(cat "$T/outside/secret.txt")" = "secret" ] || fail "the secret changed"
	log_wellformed
}

# ---- run ----------------------------------------------------------------

for s in "${scenarios[@]}"; do
	name=${s%%	*}
	if [ $# -gt 0 ]; then
		case " $* " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	it_test "$name: ${s#*	}" "sc_$name"
done
echo "1..$it_ntest"
# For make check's summary line (tests/summary.sh).
[ -z "${RSHELL_CHECK_RESULT:-}" ] || echo "passed=$((it_ntest - it_nfail))" \
    "failed=$it_nfail skipped=0" > "$RSHELL_CHECK_RESULT"
if [ "$it_nfail" -gt 0 ]; then
	echo "# $it_nfail of $it_ntest integration scenarios failed"
	exit 1
fi
echo "# all $it_ntest integration scenarios passed"
exit 0
