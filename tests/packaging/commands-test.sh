#!/bin/sh
# What "make demo" and "make check" run, against what they install: every
# external command of the test scripts, of the build and of the unit tests
# must come from a package of tests/integration/packages (or one it depends
# on) or from a minimal Debian 12 (debootstrap --variant=minbase: the
# essential and required packages).  dpkg says which package holds a
# command.  Also: the README lists those packages and the set-up commands
# that CI runs, and demo.sh started by sh goes on under bash.
#
#	tests/packaging/commands-test.sh [LIST]
#
# LIST (default tests/integration/packages) is for the test's own check
# that a list without iproute2 is caught.  Runs as any user;
# without dpkg (not Debian) the package checks are skipped.
# shellcheck disable=SC2016
# (SC2016: the $ in single quotes are make's and the scripts', not ours.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/packaging
list=${1:-$top/tests/integration/packages}
n=0 failed=0 skipped=0
tmp=$(mktemp -d /tmp/rshell-commands.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); printf 'not ok %d - %s\n' "$n" "$1"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); printf 'ok %d - %s # skip %s\n' "$n" "$1" "$2"; }

pkgs=$(sed 's/#.*//' "$list" | tr -s ' \t\n' '   ')
pkgs=${pkgs# }
pkgs=${pkgs% }

# ---- the README and the scripts read the one list ------------------------

# The set-up section, its lines joined, says `PACKAGE PACKAGE ...`.
setup=$(awk '/^## / { on = ($0 == "## Set-up: two commands"); next } on' \
    "$top/README.md" | tr -s ' \n' '  ')
case $setup in
*"\`$pkgs\`"*) ok "the README's set-up lists the packages: $pkgs" ;;
*) notok "the README's set-up does not list \`$pkgs\`" ;;
esac

if grep -q 'tests/integration/packages' "$top/.ci/run"; then
	ok ".ci/run installs tests/integration/packages"
else
	notok ".ci/run does not read tests/integration/packages"
fi
if grep -q '"$here/packages"' "$top/tests/integration/demo.sh"; then
	ok "demo.sh installs tests/integration/packages"
else
	notok "demo.sh does not read tests/integration/packages"
fi

# The README's set-up commands, as CI runs them: two, the first one runs
# where make is not installed yet (it installs make), the second is make
# check.
cmds=$("$top/.ci/fresh" --commands)
first=$(printf '%s\n' "$cmds" | sed -n 1p)
second=$(printf '%s\n' "$cmds" | sed -n 2p)
if [ "$(printf '%s\n' "$cmds" | grep -c .)" = 2 ] &&
    [ "$first" = "sh tests/integration/demo.sh" ] &&
    [ "$second" = "make check" ]; then
	ok "the README's set-up: $first; $second"
else
	notok "the README's set-up commands are not the demo, then make check: $cmds"
fi

# ---- demo.sh under sh -------------------------------------------------------

# dash is Debian's sh; it must reach the line that hands over to bash,
# with the arguments.  A bash of our own says that it was called.
sh=$(command -v dash || command -v sh)
mkdir "$tmp/bin"
printf '#!/bin/sh\necho "bash $*"\n' >"$tmp/bin/bash"
chmod 0755 "$tmp/bin/bash"
demo=$top/tests/integration/demo.sh
got=$(PATH=$tmp/bin:/usr/bin:/bin "$sh" "$demo" -h 2>&1)
if [ "$got" = "bash $demo -h" ]; then
	ok "$sh demo.sh re-executes itself with bash"
else
	notok "$sh demo.sh does not hand over to bash: $got"
fi
got=$("$sh" "$demo" -h 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$got" | sed -n 1p)" = "usage: demo.sh [-h]" ]; then
	ok "$sh demo.sh -h shows the usage"
else
	notok "$sh demo.sh -h: status $rc: $got"
fi

# ---- the reader of scripts ----------------------------------------------

# commands.awk on snippets: SCRIPT => the commands it runs, in order (the
# caller drops functions and builtins).  "\n" in SCRIPT is a new line.
while IFS= read -r row; do
	script=${row% => *}
	want=${row##* => }
	printf '%b\n' "$script" >"$tmp/snippet"
	got=$(awk -f "$here/commands.awk" "$tmp/snippet" | tr '\n' ' ')
	got=${got% }
	if [ "$got" = "$want" ]; then
		ok "commands.awk: $script"
	else
		notok "commands.awk: $script: got '$got', want '$want'"
	fi
done <<'EOF'
x=$(foo -a "$(bar)") => foo bar
echo "not (a command; no) | nor this" => echo
timeout 5 baz | qux 2>&1 >/dev/null && quux => timeout baz qux quux
case $a in\n-h | --help) one ;;\nlist-check) two ;;\nesac; three => one two three
cat <<END\nnotcmd; nor this\nEND\nafter => cat after
awk '\n  { notcmd }\n' file; sed "1\n;p" file => awk sed
env -u TZ LC_ALL=C ls -l => env ls
command -v absent >/dev/null || fallback => fallback
for c in first second; do\n\tcommand -v "$c" >/dev/null || die\ndone => first second die
local v=() w; echo $((1 + (2))) # comment; notcmd => echo
f() { g; }; exec 9>file; a=1 b=2 h 2>&1 \\\n  arg; { i; } => f g exec h i
if [ -n "${x#*#}" ]; then j; elif k; then :; else l; fi => j k l
EOF

# ---- the commands --------------------------------------------------------

# The shell scripts that make demo and make check run.
scripts="tests/integration/lib.sh tests/integration/run.sh
	tests/integration/demo.sh tests/policy/run.sh tests/summary.sh
	tests/packaging/commands-test.sh"
for s in $scripts; do
	awk -f "$here/commands.awk" "$top/$s"
done >"$tmp/commands"

# The Makefile's recipes, but those of make fuzz, bench, install, deb and
# clean, with make's variables for programs put back as their defaults.
awk '
	/^[^\t#][^=]*:/ && !/^[^:]*[?:+]?=/ {
		t = $0; sub(/:.*/, "", t)
		off = (t ~ /^(tests\/fuzz\/|fuzz|bench|install|uninstall|deb|clean)/)
		next
	}
	/^\t/ && !off { print; next }
	/\$\(shell / { s = $0; sub(/.*\$\(shell /, "", s); print s }
	' "$top/Makefile" |
    sed -e ':a' -e '/\\$/N; s/\\\n//; ta' |
    sed -e 's/^\t[@-]*//' -e 's/\$(CC)/cc/g' -e 's/\$(AR)/ar/g' \
	-e 's/\$(MAKE)/make/g' -e 's/\$(PKG_CONFIG)/pkg-config/g' \
	-e 's/\$\$/$/g' -e 's/\$(call [^)]*)//g' -e 's/\$([^)]*)/_/g' \
	-e 's/\$[@<^]/_/g' >"$tmp/make.sh"
awk -f "$here/commands.awk" "$tmp/make.sh" >>"$tmp/commands"

# The unit tests: the absolute paths they execute, the first word of the
# commands they hand to system() and popen() (through /bin/sh), and the
# programs run from /usr/bin to compare with (GNU ls and du).
for f in "$top"/tests/*.c; do
	sed -n -e 's/.*h_run([^,]*, *"\(\/[^"]*\)".*/\1/p' \
	    -e 's/^#define [A-Z_]*[ 	]*"\(\/[a-z/]*bin\/[a-z0-9-]*\)"$/\1/p' \
	    -e 's/.*\(snprintf\|pp_fmt\)(cmd, sizeof(cmd), *"\([a-z]*\) .*/\2/p' \
	    "$f"
	grep -q 'system(\|popen(' "$f" && echo /bin/sh
	if grep -q '"/usr/bin/%s"' "$f"; then
		sed -n 's/^[ 	]*{ "\([a-z]*\)", .*NULL },$/\1/p' "$f"
	fi
done >>"$tmp/commands"

# Names that are not programs: the shell's own, and the scripts' functions.
bash -c 'compgen -b; compgen -k' >"$tmp/shell"
for s in $scripts; do
	sed -n 's/^[ 	]*\([A-Za-z_][A-Za-z0-9_]*\)[ 	]*().*/\1/p' \
	    "$top/$s"
done >>"$tmp/shell"
sort -u "$tmp/commands" | grep -vxF -f "$tmp/shell" >"$tmp/external"

if ! command -v dpkg-query >/dev/null; then
	skip "the packages of $(wc -l <"$tmp/external") commands" "no dpkg here"
else
	# What a minimal system has, and what the list installs with what
	# it depends on, from dpkg's database.
	dpkg-query -W -f='${db:Status-Status}\t${Package}\t${Essential}\t${Priority}\t${Provides}\t${Pre-Depends}, ${Depends}\n' \
	    >"$tmp/db"
	awk -F '\t' -v want="$pkgs" '
		function names(s, out,    a, i, k, m) {
			gsub(/\([^)]*\)/, "", s); gsub(/:[a-z0-9]+/, "", s)
			gsub(/[|,]/, " ", s)
			m = split(s, a, " ")
			for (i = 1; i <= m; i++) out[a[i]] = 1
		}
		$1 == "installed" {
			inst[$2] = 1; deps[$2] = $6
			if ($3 == "yes" || $4 == "required") base[$2] = 1
			delete pv; names($5, pv)
			for (k in pv) prov[k] = prov[k] " " $2
		}
		END {
			nq = split(want, q, " ")
			for (i = 1; i <= nq; i++) seen[q[i]] = 1
			for (i = 1; i <= nq; i++) {
				p = q[i]
				if (!(p in inst)) { print "missing\t" p; continue }
				delete d; names(deps[p], d)
				for (k in d) {
					cand = (k in inst) ? k : prov[k]
					m = split(cand, c, " ")
					for (j = 1; j <= m; j++)
						if (!(c[j] in seen)) {
							seen[c[j]] = 1; q[++nq] = c[j]
						}
				}
			}
			for (p in seen) if (p in inst) print "list\t" p
			for (p in base) print "base\t" p
		}' "$tmp/db" >"$tmp/allowed"
	sed -n 's/^missing\t//p' "$tmp/allowed" | while read -r p; do
		echo "$p"
	done >"$tmp/missing"
	while read -r p; do
		notok "$p of tests/integration/packages is not installed here"
	done <"$tmp/missing"

	# Where each command is, and the names dpkg may know it by: also
	# what a symlink (an alternative) leads to, and the name from before
	# /usr was merged.  One dpkg-query for all of them.
	while read -r c; do
		case $c in
		/*) path=$c; [ -x "$path" ] || path= ;;
		*/*) continue ;;	# the project's own
		*) path=$(command -v "$c") || path= ;;
		esac
		if [ -z "$path" ]; then
			notok "$c: not found on this machine"
			continue
		fi
		r=$(readlink -f "$path")
		printf '%s\t%s\n' "$c" "$path $r ${path#/usr} /usr$path ${r#/usr} /usr$r"
	done <"$tmp/external" >"$tmp/paths"
	# shellcheck disable=SC2046
	dpkg-query -S $(cut -f2 "$tmp/paths") 2>/dev/null |
	    grep -v '^diversion ' >"$tmp/owners"

	while IFS='	' read -r c cands; do
		pkg=
		for q in $cands; do
			pkg=$(sed -n "s|^\([^:]*\): $q\$|\1|p" "$tmp/owners" |
			    sed -n 1p)
			[ -n "$pkg" ] && break
		done
		pkg=${pkg%%,*}
		pkg=${pkg%%:*}
		if [ -z "$pkg" ]; then
			notok "$c (${cands%% *}): in no package"
		elif grep -qxF "base	$pkg" "$tmp/allowed"; then
			ok "$c: $pkg, in a minimal system"
		elif grep -qxF "list	$pkg" "$tmp/allowed"; then
			ok "$c: $pkg, from tests/integration/packages"
		else
			notok "$c (${cands%% *}): $pkg is neither minimal nor in tests/integration/packages"
		fi
	done <"$tmp/paths"
fi

# The check itself: with the list as it was before ss was known to be
# needed, ss is caught.  (procps comes with openssh-server anyway.)
if [ $# = 0 ] && command -v dpkg-query >/dev/null; then
	grep -v '^iproute2' "$list" >"$tmp/short"
	"$0" "$tmp/short" >"$tmp/short.out" 2>&1
	rc=$?
	if [ "$rc" != 0 ] &&
	    grep -q '^not ok [0-9]* - ss (.*): iproute2 is neither' "$tmp/short.out"; then
		ok "a list without iproute2 fails on ss"
	else
		notok "a list without iproute2 is not caught (status $rc)"
		sed 's/^/#	/' "$tmp/short.out"
	fi
fi

echo "packages: $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
# For make check's summary line (tests/summary.sh).
[ -z "${RSHELL_CHECK_RESULT:-}" ] ||
	echo "passed=$((n - failed - skipped)) failed=$failed skipped=$skipped" \
	    >"$RSHELL_CHECK_RESULT"
[ "$failed" = 0 ]
