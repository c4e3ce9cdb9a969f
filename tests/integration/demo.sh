#!/usr/bin/env bash
# Started as "sh demo.sh" (dash on Debian), it goes on under bash, which every
# Debian system has: the rest is bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
#
# make demo: the whole job in a minute, on a Debian 12 machine, as root.
# Installs what is missing, builds rshell, makes a throwaway account whose
# login shell is rshell behind a private sshd on 127.0.0.1, pushes a real
# backup, lists it, shows attacks being refused and the log lines they left,
# and removes everything again.  The machine's own sshd is not touched.
#
# usage: demo.sh [-h]
#	The packages it installs when they are missing are those of
#	tests/integration/packages, which are also all that "make check"
#	needs.
#
# shellcheck source-path=SCRIPTDIR

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

case ${1:-} in
-h | --help)
	sed -n 's/^# \{0,1\}//; /^usage:/,/^$/{/^$/d; p; }' "$0"
	exit 0 ;;
"") ;;
*)
	echo "usage: $0 [-h]" >&2
	exit 2 ;;
esac

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root: it installs packages, creates a throwaway" \
	    "account and runs a private sshd (try: sudo make demo)" >&2
	exit 1
fi

if [ -t 1 ]; then
	bold=$(printf '\033[1m') dim=$(printf '\033[2m') off=$(printf '\033[0m')
else
	bold='' dim='' off=''
fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$off"; }
note() { printf '%s    %s%s\n' "$dim" "$*" "$off"; }
indent() { sed 's/^/    /'; }

# show "AS TYPED" CMD...: print the command as a user would type it, run
# CMD, indent its output.  Returns CMD's status.
show()
{
	local shown=$1 rc
	shift
	printf '  %s$%s %s\n' "$bold" "$off" "$shown"
	"$@" 2>&1 | indent
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || note "(exit status $rc)"
	return "$rc"
}

# ---- 1. packages ----------------------------------------------------------

step "1/7 Packages"
need=$(sed 's/#.*//' "$here/packages" | tr -s ' \t\n' ' ')
need=${need# }
need=${need% }
missing=
for p in $need; do
	dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null |
	    grep -qx installed || missing="$missing $p"
done
if [ -z "$missing" ]; then
	note "all present: $need"
else
	note "installing:$missing"
	command -v apt-get >/dev/null ||
		{ echo "apt-get not found: install$missing by hand" >&2; exit 1; }
	case $missing in
	*openssh-server*)
		note "(openssh-server also enables the system's own sshd," \
		    "as Debian does by default)" ;;
	esac
	# What the demo and the tests use, and not what the packages only
	# recommend (on a minimal system, openssh-server's would bring
	# systemd).
	# shellcheck disable=SC2086
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $missing; } 2>&1 |
	    indent
	[ "${PIPESTATUS[0]}" = 0 ] || { echo "installing$missing failed" >&2; exit 1; }
fi

# ---- 2. build -------------------------------------------------------------

step "2/7 Build"
show "make" make -s -C "$top" rshell/rshell || exit 1
note "$("$top/rshell/rshell" -V)"

# ---- 3. the throwaway account --------------------------------------------

step "3/7 A throwaway backup account behind a private sshd"
. "$here/lib.sh"
it_setup "$top"
B=$it_tmp/backup
install -d -o "$IT_USER" -g "$IT_USER" -m 0755 "$B/laptop"
it_key backup "$IT_USER" restrict
it_key laptop "$IT_USER" 'restrict,command="key=laptop"'
it_policy <<EOF
# who may do what, and where; the last matching rule wins
rsync /usr/bin/rsync
log $IT_LOG
permit push pull list $IT_USER dir $B/%u
permit push no-delete key laptop $IT_USER dir $B/laptop
EOF
it_start
note "account $IT_USER, login shell rshell (a copy built to read $it_tmp/etc/policy)"
note "sshd on $IT_HOST port $it_port, with its own configuration and host key"
note "policy $it_tmp/etc/policy:"
sed 's/^/      /' "$it_tmp/etc/policy"
note "authorized_keys of $IT_USER (two client keys, \"backup\" and \"laptop\"):"
awk '{ print "      " $1, $2, substr($3, 1, 16) "...", $4 }' \
    "$it_tmp/home/$IT_USER/.ssh/authorized_keys"
note "(below, every ssh and rsync also gets -p $it_port -i KEY and a private"
note " known_hosts; they are left out of the commands shown)"

R=$IT_USER@$IT_HOST
day1=$(date +%F)
day2=$(date -d tomorrow +%F)

# ---- 4. a real backup ------------------------------------------------------

step "4/7 Push a real backup (/usr/share/doc), then a dated snapshot"
# push KEY RSYNC-ARGS...: it_rsync, timed.
push()
{
	local start rc=0
	start=$(date +%s%N)
	it_rsync "$@" || rc=$?
	[ "$rc" = 0 ] &&
		echo "done in $(( ($(date +%s%N) - start) / 1000000 )) ms"
	return "$rc"
}
note "$(find /usr/share/doc -type f | wc -l) files," \
    "$(du -sh /usr/share/doc | cut -f1)iB"
show "rsync -a /usr/share/doc/ $R:$day1/" \
    push backup -a /usr/share/doc/ ":$day1/" || exit 1
show "rsync -a --link-dest=../$day1 /usr/share/doc/ $R:$day2/" \
    push backup -a --link-dest="../$day1" /usr/share/doc/ ":$day2/" || exit 1
note "nothing changed, so $day2 is made of hard links into $day1"
show "rsync -a /etc/os-release $R:              # with the laptop key" \
    push laptop -a /etc/os-release : || exit 1
note "the laptop key lands in its own directory: $(ls "$B/laptop")"

# ---- 5. looking at it ------------------------------------------------------

step "5/7 Look at it: ls, du and df are built into rshell"
show "ssh $R ls -l" it_ssh backup ls -l
show "ssh $R du -sh $day1 $day2" it_ssh backup du -sh "$day1" "$day2"
show "ssh $R df -h" it_ssh backup df -h

# ---- 6. attacks ------------------------------------------------------------

step "6/7 Attacks: each one refused and logged"
pwned=$it_tmp/pwned
show "ssh $R                          # an interactive shell" \
    it_ssh backup </dev/null
show "ssh $R id" it_ssh backup id
show "rsync -a --rsync-path='touch $pwned; rsync' /etc/hostname $R:x/" \
    it_rsync backup -a --rsync-path="touch $pwned; rsync" /etc/hostname :x/
show "ssh $R 'rsync --server -e \"sh -c id\" . x/'" \
    it_ssh backup 'rsync --server -e "sh -c id" . x/'
show "rsync -a /etc/hostname $R:../$IT_USER/         # with the laptop key" \
    it_rsync laptop -a /etc/hostname ":../$IT_USER/"
show "rsync -a --delete /etc/hostname $R:           # with the laptop key: no-delete" \
    it_rsync laptop -a --delete /etc/hostname :
if [ -e "$pwned" ]; then
	echo "demo: $pwned exists: an attack got through" >&2
	exit 1
fi

# ---- snapshots ---------------------------------------------------------------

step "Snapshots: every push a dated snapshot that a stolen key cannot destroy"
install -d -o "$IT_USER" -g "$IT_USER" -m 0755 "$B/nas"
it_key nas "$IT_USER" 'restrict,command="key=nas"'
# No keep here: these pushes come seconds apart, and "keep 14d daily"
# would keep only the oldest and the newest of the day.
snaprule="permit push pull list snapshot key nas $IT_USER dir $B/nas"
{ cat "$it_tmp/etc/policy"; echo "$snaprule"; } >"$it_tmp/policy.new"
it_policy <"$it_tmp/policy.new"
note "a third key, \"nas\", and one more rule:"
note "  $snaprule"
note "(with \"keep 14d daily 8w weekly\" it would also thin them out: the oldest"
note "snapshot of each day, then of each week, is kept; later pushes never push"
note "an earlier one out)"
home=$it_tmp/src/home
mkdir -p "$home/docs" "$it_tmp/src/empty"
echo "chapter 1" >"$home/thesis.txt"
cp -a /usr/share/doc/rsync/. "$home/docs/" 2>/dev/null || cp -a /etc/os-release "$home/docs/"
show "rsync -a ~/ $R:                  # with the nas key" \
    push nas -a "$home/" : || exit 1
echo "chapter 2" >>"$home/thesis.txt"
show "rsync -a ~/ $R:                  # a day later" \
    push nas -a "$home/" : || exit 1
s1=$(ls "$B/nas" | grep -m1 '^2')
s2=$(readlink "$B/nas/latest")
note "two snapshots; what did not change is one file in both:"
note "  $(stat -c '%i %n' "$B/nas/$s1/docs/$(ls "$home/docs" | head -n 1)" | sed "s|$B/nas/||")"
note "  $(stat -c '%i %n' "$B/nas/$s2/docs/$(ls "$home/docs" | head -n 1)" | sed "s|$B/nas/||")"
show "ssh $R ls -l" it_ssh nas ls -l
note "the laptop is stolen, and the thief tries to rewrite history:"
show "rsync -a --delete empty/ $R:    # delete everything" \
    push nas -a --delete "$it_tmp/src/empty/" :
note "that only made a new, empty snapshot; the earlier ones are whole:"
show "ssh $R du -s $s1 $s2 latest/" it_ssh nas du -s "$s1" "$s2" latest/
echo "garbage" >"$it_tmp/src/thesis.txt"
show "rsync -a --inplace thesis.txt $R:$s2/thesis.txt   # overwrite in place" \
    it_rsync nas -a --inplace "$it_tmp/src/thesis.txt" ":$s2/thesis.txt"
show "rsync -a --link-dest=../$s1 empty/ $R:" \
    it_rsync nas -a --link-dest="../$s1" "$it_tmp/src/empty/" :
note "(a modified client that tries anyway meets the kernel: see rshell.policy(5))"
show "rsync -a $R:$s2/ ~/restore/      # restore the day before the theft" \
    it_rsync nas -a ":$s2/" "$it_tmp/restore/" || exit 1
show "diff -r ~/ ~/restore/" diff -r "$home" "$it_tmp/restore" || exit 1
note "identical: chapter 2 is back"

# ---- 7. the log --------------------------------------------------------------

step "7/7 The log: one line per attempt, one more when a command ends"
note "$IT_LOG"
cat "$IT_LOG"

step "Cleaning up"
dir=$it_tmp
it_teardown
note "sshd stopped; account $IT_USER and $dir removed"
note "rshell itself is in $top/rshell/rshell; see README for installing it"
