#!/bin/sh
# Policy verdicts through the dry-run oracle, as doas's regress uses doas -C.
# Each tests/policy/NAME.policy has a NAME.cases file of
#	USER KEY VERDICT COMMAND...
# (KEY "-" for none) and a NAME.out file with the whole expected output of
# every case: a "$ USER KEY COMMAND" line, what `rshell -n` printed (argv
# and pinned descriptors for a permit, the exact reason for a deny) and
# its exit status.  A deny must be the right deny, and a permit must run
# exactly the right argv.  @D@ in any of the files is the fixture
# directory.  run.sh RSHELL --update rewrites the .out files (read the
# diff before committing it: the .out files are the oracle).
set -u
RSHELL=${1:?usage: run.sh RSHELL [--update]}
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "policy verdict tests need root (the policy must be root-owned): skipped"
	exit 0
fi

# What rshell refuses depends on the kernel's Landlock (no-delete and
# no-overwrite need it, and pushes need it or --confine-root): the .out
# files are those of a kernel with Landlock ABI 3 or later.
abi=$(printf 'log syslog\n' > /tmp/rshell-abi.$$ && chmod 0644 /tmp/rshell-abi.$$ &&
    "$RSHELL" -t -f /tmp/rshell-abi.$$ 2>/dev/null | sed -n 's/.*Landlock ABI \([0-9]*\).*/\1/p')
rm -f /tmp/rshell-abi.$$
if [ "${abi:-0}" -lt 3 ]; then
	echo "policy verdict tests need a kernel with Landlock ABI 3 or later (this one: ${abi:-none}): skipped"
	exit 0
fi

D=$(mktemp -d /tmp/rshell-policy.XXXXXX)
trap 'rm -rf "$D"' EXIT INT TERM
chmod 0755 "$D"
mkdir -p "$D/srv/root/laptop" "$D/srv/nobody" "$D/srv/laptop" "$D/srv/ro" \
    "$D/srv/all" "$D/srv/root/prev" "$D/bin" \
    "$D/srv/paths/t1/sub" "$D/srv/paths/c" "$D/srv/paths/snap" \
    "$D/srv/snap/2026-11-01T000000Z/home" "$D/srv/snap/2026-11-02T000000Z/home"
ln -s 2026-11-02T000000Z "$D/srv/snap/latest"
: > "$D/srv/root/laptop/file.txt"
: > "$D/srv/paths/f"
: > "$D/srv/paths/list"
ln -s /etc "$D/srv/root/evil"
ln -s t1 "$D/srv/paths/in"
ln -s nowhere "$D/srv/paths/dangling"
# Stand-ins for the policy's rsync: one that has rsync 3.5's option name
# (so --confine-root and --drop-D are added), one that lacks it.
printf '#!/bin/sh\n# --confine-root\nexit 0\n' > "$D/bin/rsync"
printf '#!/bin/sh\nexit 0\n' > "$D/bin/rsync-old"
chmod 0755 "$D/bin/rsync" "$D/bin/rsync-old"

pass=0 fail=0 n=0
for pol in "$here"/*.policy; do
	name=$(basename "$pol" .policy)
	sed "s|@D@|$D|g" "$pol" > "$D/$name.policy"
	chmod 0644 "$D/$name.policy"
	want_out="$here/$name.out"
	got_out="$D/$name.got"
	: > "$got_out"
	i=0 filefail=$fail
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		user=${line%% *}; rest=${line#* }
		key=${rest%% *}; rest=${rest#* }
		want=${rest%% *}; cmd=${rest#* }
		n=$((n + 1)); i=$((i + 1))
		cmd=$(printf '%s\n' "$cmd" | sed "s|@D@|$D|g")
		# stdin is the cases file: rshell must not see it (with -s it
		# reads the protected arguments from stdin, as a session does).
		if [ "$key" = - ]; then
			out=$("$RSHELL" -n -f "$D/$name.policy" -u "$user" -c "$cmd" 2>&1 </dev/null)
		else
			out=$("$RSHELL" -n -f "$D/$name.policy" -u "$user" -k "$key" -c "$cmd" 2>&1 </dev/null)
		fi
		st=$?
		block=$(printf '$ %s %s %s\n%s\nexit %s\n' "$user" "$key" \
		    "$cmd" "$out" "$st" | sed "s|$D|@D@|g")
		printf '%s\n' "$block" >> "$got_out"
		expected=$(awk -v i="$i" '/^\$ /{n++} n==i' "$want_out" 2>/dev/null)
		got=$(printf '%s\n' "$out" | head -n 1 | sed 's/:.*//')
		if [ "$got" = "$want" ] && { [ -n "$update" ] ||
		    [ "$block" = "$expected" ]; }; then
			pass=$((pass + 1))
			echo "ok $n - $name: $user ${key} $want $cmd"
		else
			fail=$((fail + 1))
			echo "not ok $n - $name: $user $key $cmd: want $want"
			printf '%s\n' "$expected" | sed 's/^/#   want: /'
			printf '%s\n' "$block" | sed 's/^/#   got:  /'
		fi
	done < "$here/$name.cases"
	if [ -n "$update" ]; then
		cp "$got_out" "$want_out"
	elif [ "$fail" = "$filefail" ] && ! cmp -s "$got_out" "$want_out"; then
		# Every case matched its block, yet the files differ: the
		# .out file has blocks for cases that are gone.
		fail=$((fail + 1))
		echo "not ok - $name: $name.out has blocks no case produced"
	fi
done

# The examples in rshell(8) are what this rshell prints.  Each literal
# block of its EXAMPLES that starts with "# rshell " is a transcript: the
# commands run under the page's own example policy (its paths moved into
# the fixture, the stand-in rsync as its rsync), and every line the page
# shows must be a line of the output.  Continuation lines (indented) and
# "\e" line ends are joined first; the Landlock ABI is this kernel's, and
# the warnings of -t are this machine's (sshd's settings), so those two
# numbers are not compared.  The page's /srv/backup becomes $D/srv/backup,
# two components deeper, so that the directory walk leaves the pinned
# descriptors on the same numbers as the page's.
man=$here/../../rshell/rshell.8
M=$D
mkdir -p "$M/srv/backup/backup" "$M/srv/backup/laptop/2026-11-26"
: > "$M/rshell.log"
chgrp backup "$M/rshell.log" && chmod 0620 "$M/rshell.log"
{
	echo "rsync $D/bin/rsync"
	awk '/^\.Sh EXAMPLES/ { ex = 1 } ex && /^\.Bd -literal/ { getline;
	    if ($1 == "log") { while ($0 != ".Ed") { print; getline } exit } }' \
	    "$man"
} | sed -e "s|/var/log/rshell/rshell.log|$M/rshell.log|" \
    -e "s|/srv/backup|$M/srv/backup|g" > "$D/man.policy"
chmod 0644 "$D/man.policy"
# One transcript per output record: "$ COMMAND" lines, then output lines,
# with the page's paths replaced by the fixture's.
awk '/^\.Sh EXAMPLES/ { ex = 1 } /^\.Sh / && !/EXAMPLES/ { ex = 0 }
    ex && /^\.Bd -literal/ { inb = 1; n = 0; next }
    inb && /^\.Ed/ { inb = 0; if (tr) print cur; tr = 0; cur = ""; next }
    inb && n++ == 0 && !/^# rshell / { inb = 0; next }
    inb { tr = 1; gsub(/\\e/, "\\")
	if (join) { sub(/^ +/, ""); cur = cur $0 }
	else if (/^    /) { sub(/^ +/, ""); cur = cur " " $0 }
	else { if (cur != "") print cur; cur = $0 }
	join = sub(/ \\$/, " ", cur) }' "$man" |
    sed -e "s|/etc/rshell/policy|$D/man.policy|g" \
    -e "s|/usr/bin/rsync|$D/bin/rsync|g" -e "s|/srv/backup|$M/srv/backup|g" \
    > "$D/man.tr"
mask() { sed -e 's/Landlock ABI [0-9]*/Landlock ABI N/' \
    -e 's/^\(.*: ok, [0-9]* rules*\), [0-9]* warnings*$/\1/'; }
while IFS= read -r line; do
	case $line in
	'# rshell '*)
		cmd=${line#\# rshell }
		eval "set -- $cmd"
		"$RSHELL" -f "$D/man.policy" "$@" > "$D/man.got" 2>&1 </dev/null
		mask < "$D/man.got" > "$D/man.gotm"
		;;
	*)
		n=$((n + 1))
		want=$(printf '%s\n' "$line" | mask)
		if grep -qxF -- "$want" "$D/man.gotm"; then
			pass=$((pass + 1))
			echo "ok $n - rshell(8) example: rshell $cmd: $line"
		else
			fail=$((fail + 1))
			echo "not ok $n - rshell(8) example: rshell $cmd: $line"
			sed 's/^/#   got:  /' "$D/man.got"
		fi
		;;
	esac
done < "$D/man.tr"
# The refusal of an interactive login, as the page quotes it.
n=$((n + 1))
want=$(awk '/^is refused with$/ { getline; sub(/^\.Dq /, ""); print; exit }' "$man")
got=$("$RSHELL" -f "$D/man.policy" 2>&1 </dev/null)
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	pass=$((pass + 1))
	echo "ok $n - rshell(8) quotes the interactive refusal: $want"
else
	fail=$((fail + 1))
	echo "not ok $n - rshell(8) quotes the interactive refusal: $want"
	echo "#   got:  $got"
fi
echo "policy verdicts: $pass passed, $fail failed"
# For make check's summary line (tests/summary.sh).
[ -z "${RSHELL_CHECK_RESULT:-}" ] ||
	echo "passed=$pass failed=$fail skipped=0" > "$RSHELL_CHECK_RESULT"
[ "$fail" = 0 ]
