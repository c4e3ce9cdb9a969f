# shellcheck shell=bash
#
# Shared by run.sh, demo.sh and tests/bench/part-push.sh: a throwaway OpenSSH
# sshd on 127.0.0.1, a throwaway account whose login shell is a copy of rshell
# built with a test policy path compiled in, client keys, a root-owned policy,
# and the helpers the scenarios assert with.  Everything lives in one
# directory under /tmp (RSHELL_IT_TMPDIR: another root-owned directory, for
# a /tmp mounted noexec) and is removed, with the accounts, by it_teardown.
#
# Nothing here touches the machine's own sshd, its configuration, its host
# keys or /etc/shells (OpenSSH only requires the login shell to exist and be
# executable).

IT_USER=rshtest			# login shell: the rshell built for the test
IT_PLAIN=rshplain		# login shell: /bin/sh (control and benchmark)
IT_LOCK=/run/lock/rshell-it.lock
IT_HOST=127.0.0.1

it_tmp=
it_port=
it_sshd_pid=
it_made_privsep=0
it_accounts=
it_logpos=0
it_keep=${RSHELL_IT_KEEP:-0}
it_base=${RSHELL_IT_TMPDIR:-/tmp}

it_die() { printf 'integration: %s\n' "$*" >&2; exit 1; }

# The account exists and was made by an earlier, interrupted run of these
# tests: its home lies in a rshell-it.* directory.
it_is_ours()
{
	local home
	home=$(getent passwd "$1" | cut -d: -f6) || return 1
	case $home in
	/*/rshell-it.??????/home/"$1") return 0 ;;
	esac
	return 1
}

# Remove what an interrupted run left behind, and nothing that is not ours.
it_reap()
{
	local u home dir pid
	for u in "$IT_USER" "$IT_PLAIN"; do
		getent passwd "$u" >/dev/null || continue
		it_is_ours "$u" ||
			it_die "account $u exists and was not made by these tests"
		home=$(getent passwd "$u" | cut -d: -f6)
		dir=${home%/home/*}
		if [ -f "$dir/sshd.pid" ]; then
			pid=$(cat "$dir/sshd.pid")
			if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
			    grep -qF "$dir/sshd_config"; then
				kill "$pid" 2>/dev/null
			fi
		fi
		it_kill_user "$u"
		userdel -f "$u" >/dev/null 2>&1 ||
			it_die "cannot remove stale account $u"
		rm -rf -- "$dir"
	done
}

# Stop whatever still runs as a throwaway account (sessions whose client
# went away), by pid, so that userdel can remove it.  pgrep sees every
# process of the kernel: in a chroot (CI's fresh root) the account's uid may
# belong to someone else outside, so only processes whose root is ours.
it_kill_user()
{
	local pids p sig i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pids=
		for p in $(pgrep -u "$1" 2>/dev/null); do
			[ "/proc/$p/root" -ef / ] && pids="$pids $p"
		done
		[ -n "$pids" ] || return 0
		sig=TERM
		[ "$i" -gt 5 ] && sig=KILL
		# shellcheck disable=SC2086
		kill -s "$sig" $pids 2>/dev/null
		sleep 0.3
	done
}

it_teardown()
{
	local u
	trap - EXIT
	trap "" INT TERM HUP
	if [ -n "$it_sshd_pid" ]; then
		kill "$it_sshd_pid" 2>/dev/null
		wait "$it_sshd_pid" 2>/dev/null
		it_sshd_pid=
	fi
	for u in $it_accounts; do
		it_kill_user "$u"
		userdel -f "$u" >/dev/null 2>&1 ||
			printf 'integration: could not remove account %s\n' "$u" >&2
	done
	it_accounts=
	# The privilege separation directory goes only if this run made it and
	# no other sshd has started since.
	if [ "$it_made_privsep" = 1 ] && ! pgrep -x sshd >/dev/null; then
		rmdir /run/sshd 2>/dev/null
	fi
	if [ -n "$it_tmp" ] && [ -d "$it_tmp" ]; then
		if [ "$it_keep" = 1 ]; then
			printf 'integration: kept %s\n' "$it_tmp" >&2
		else
			rm -rf -- "$it_tmp"
		fi
	fi
	it_tmp=
}

# Build a private copy of rshell whose compiled-in policy is $it_tmp/etc/policy:
# sshd runs the login shell as "rshell -c CMD", so -f cannot be used, and the
# machine's /etc/rshell must not be touched.  The copy is built from the
# sources beside the binary under test, in its own directory, so the main
# build is left alone.
it_build()
{
	local src=$1 b=$it_tmp/build
	mkdir -p "$b/rshell" "$b/policy"
	cp -p "$src/Makefile" "$b/"
	cp -p "$src"/rshell/*.[ch] "$b/rshell/"
	cp -p "$src"/policy/*.[ch] "$b/policy/"
	if ! make -C "$b" POLICY="$it_tmp/etc/policy" rshell/rshell \
	    >"$it_tmp/build.log" 2>&1; then
		cat "$it_tmp/build.log" >&2
		it_die "building the test copy of rshell failed"
	fi
	install -o root -g root -m 0755 "$b/rshell/rshell" "$it_tmp/rshell"
	"$it_tmp/rshell" -V >/dev/null 2>&1 ||
		it_die "cannot run $it_tmp/rshell (is $it_base mounted noexec?" \
		    "set RSHELL_IT_TMPDIR)"
}

# it_account NAME SHELL: a throwaway account, unlocked for key login only
# ("*": no password matches it, but with UsePAM no sshd treats "!" as locked).
it_account()
{
	local u=$1 shell=$2 home=$it_tmp/home/$1
	useradd -M -U -d "$home" -s "$shell" -c "rshell integration test" "$u" ||
		it_die "useradd $u failed"
	it_accounts="$it_accounts $u"
	usermod -p '*' "$u" || it_die "usermod $u failed"
	install -d -o root -g root -m 0755 "$home" "$home/.ssh"
	install -d -o "$u" -g "$u" -m 0755 "$it_tmp/backup/$u"
	: >"$home/.ssh/authorized_keys"
	chmod 0644 "$home/.ssh/authorized_keys"
}

# it_key NAME USER [OPTIONS]: a client key and its authorized_keys line.
it_key()
{
	local name=$1 u=$2 opts=${3:-}
	ssh-keygen -q -t ed25519 -N '' -C "it-$name" -f "$it_tmp/keys/$name" ||
		it_die "ssh-keygen failed"
	printf '%s\n' "$u" >"$it_tmp/keys/$name.user"
	printf '%s%s%s\n' "$opts" "${opts:+ }" "$(cat "$it_tmp/keys/$name.pub")" \
	    >>"$it_tmp/home/$u/.ssh/authorized_keys"
}

it_sshd_config()
{
	cat <<EOF
# throwaway sshd for the rshell integration tests
ListenAddress $IT_HOST
Port $it_port
HostKey $it_tmp/ssh/hostkey
PidFile $it_tmp/sshd.pid
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $it_accounts
AuthorizedKeysFile $it_tmp/home/%u/.ssh/authorized_keys
AuthorizedPrincipalsFile none
StrictModes yes
PermitUserEnvironment no
AllowTcpForwarding no
AllowAgentForwarding no
X11Forwarding no
PermitTunnel no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 256
MaxSessions 16
LogLevel VERBOSE
# As Debian ships it: the external sftp-server, which sshd runs through the
# login shell (internal-sftp never reaches it).
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
}

# Start sshd on a free high port; retry another port if one is taken in
# between the check and the bind.
it_start()
{
	local i
	if [ ! -d /run/sshd ]; then
		install -d -m 0755 /run/sshd && it_made_privsep=1
	fi
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		it_port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		[ -n "$(ss -Hltn "sport = :$it_port")" ] && continue
		it_sshd_config >"$it_tmp/sshd_config"
		/usr/sbin/sshd -t -f "$it_tmp/sshd_config" ||
			it_die "sshd rejects its configuration"
		: >"$it_tmp/sshd.log"
		/usr/sbin/sshd -D -e -f "$it_tmp/sshd_config" \
		    >>"$it_tmp/sshd.log" 2>&1 &
		it_sshd_pid=$!
		for i in $(seq 100); do
			grep -q "Server listening on $IT_HOST port $it_port" \
			    "$it_tmp/sshd.log" && break
			kill -0 "$it_sshd_pid" 2>/dev/null || break
			sleep 0.1
		done
		if grep -q "Server listening on $IT_HOST port $it_port" \
		    "$it_tmp/sshd.log" &&
		    kill -0 "$it_sshd_pid" 2>/dev/null; then
			printf '[%s]:%s %s\n' "$IT_HOST" "$it_port" \
			    "$(cut -d' ' -f1,2 "$it_tmp/ssh/hostkey.pub")" \
			    >"$it_tmp/known_hosts"
			return 0
		fi
		kill "$it_sshd_pid" 2>/dev/null
		wait "$it_sshd_pid" 2>/dev/null
		it_sshd_pid=
	done
	cat "$it_tmp/sshd.log" >&2
	it_die "sshd did not start"
}

# The policy: written by the caller to $it_tmp/etc/policy (root, 0644).
it_policy()
{
	cat >"$it_tmp/etc/policy" || it_die "cannot write the policy"
	chown root:root "$it_tmp/etc/policy"
	chmod 0644 "$it_tmp/etc/policy"
}

# it_setup SRCDIR [plain]: everything but the policy, the keys and sshd
# (it_policy, it_key, it_start).  SRCDIR holds the rshell sources; "plain"
# also makes the /bin/sh account.
it_setup()
{
	local src=$1 plain=${2:-} c
	[ "$(id -u)" = 0 ] || it_die "must run as root"
	for c in /usr/sbin/sshd ssh ssh-keygen sftp scp rsync useradd ss pgrep \
	    flock make; do
		command -v "$c" >/dev/null || it_die "$c is missing"
	done
	exec 9>"$IT_LOCK" || it_die "cannot open $IT_LOCK"
	flock -w 600 9 || it_die "another run holds $IT_LOCK"
	it_reap
	trap it_teardown EXIT
	trap 'exit 130' INT TERM HUP
	it_tmp=$(mktemp -d "$it_base/rshell-it.XXXXXX") || it_die "mktemp failed"
	chmod 0755 "$it_tmp"
	mkdir -m 0755 "$it_tmp/etc" "$it_tmp/home" "$it_tmp/backup" \
	    "$it_tmp/log" "$it_tmp/ssh" "$it_tmp/src" "$it_tmp/out"
	mkdir -m 0700 "$it_tmp/keys"
	it_build "$src"
	ssh-keygen -q -t ed25519 -N '' -C it-host -f "$it_tmp/ssh/hostkey" ||
		it_die "ssh-keygen failed"
	it_account "$IT_USER" "$it_tmp/rshell"
	[ "$plain" = plain ] && it_account "$IT_PLAIN" /bin/sh
	# rshell appends as the account: the file is root's, the group may write.
	IT_LOG=$it_tmp/log/rshell.log
	: >"$IT_LOG"
	chown "root:$IT_USER" "$IT_LOG"
	chmod 0620 "$IT_LOG"
}

# ---- clients ----------------------------------------------------------

# The ssh command line for key NAME (as one string, for rsync -e).
it_sshcmd()
{
	local k=$it_tmp/keys/$1
	printf 'ssh -F /dev/null -l %s -p %s -i %s' "$(cat "$k.user")" \
	    "$it_port" "$k"
	printf ' -o %s' IdentitiesOnly=yes IdentityAgent=none BatchMode=yes \
	    StrictHostKeyChecking=yes "UserKnownHostsFile=$it_tmp/known_hosts" \
	    GlobalKnownHostsFile=/dev/null ConnectTimeout=10 \
	    ServerAliveInterval=15 LogLevel=ERROR
}

# it_ssh KEY [SSH-ARGS...] [--] COMMAND...: bounded in time.
it_ssh()
{
	local k=$1
	shift
	# shellcheck disable=SC2046
	timeout 120 $(it_sshcmd "$k") "$IT_HOST" "$@"
}

# it_sftp KEY SFTP-ARGS...: sftp to the account of key KEY, bounded in time
# (scp without -O speaks the same protocol).
it_sftp()
{
	local k=$it_tmp/keys/$1
	shift
	timeout 120 "${IT_SFTP:-sftp}" -F /dev/null -P "$it_port" -i "$k" \
	    -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes \
	    -o StrictHostKeyChecking=yes \
	    -o "UserKnownHostsFile=$it_tmp/known_hosts" \
	    -o GlobalKnownHostsFile=/dev/null "$@"
}

# it_rsync KEY RSYNC-ARGS...: remote paths are written ":PATH".
it_rsync()
{
	local k=$1 a
	local args=()
	shift
	for a in "$@"; do
		case $a in
		:*) args+=("$IT_HOST$a") ;;
		*) args+=("$a") ;;
		esac
	done
	timeout 300 rsync -e "$(it_sshcmd "$k")" "${args[@]}"
}

# ---- assertions -------------------------------------------------------
#
# Scenarios run in a subshell with set -e: the first failed assertion ends
# the scenario and its output is shown.  it_out/it_err/it_rc hold the last
# command's result.

it_out=
it_err=
it_rc=0

fail() { printf 'FAIL: %s\n' "$*"; return 1; }

# run CMD...: capture stdout, stderr and status of CMD.
run()
{
	it_out=$it_tmp/out/cmd.out
	it_err=$it_tmp/out/cmd.err
	printf '+'
	printf ' %q' "$@"
	printf '\n'
	it_rc=0
	"$@" >"$it_out" 2>"$it_err" || it_rc=$?
	# Shown without control bytes: some requests carry them on purpose.
	head -n 20 "$it_out" | LC_ALL=C tr '\000-\010\013-\037\177' '?' |
	    sed 's/^/  stdout: /'
	head -n 20 "$it_err" | LC_ALL=C tr '\000-\010\013-\037\177' '?' |
	    sed 's/^/  stderr: /'
	[ "$it_rc" = 0 ] || printf '  status: %s\n' "$it_rc"
	return 0
}

expect_success()
{
	run "$@"
	[ "$it_rc" = 0 ] || fail "expected success, got status $it_rc: $*"
}

# expect_refused CMD...: fails, and rshell said why on stderr.
expect_refused()
{
	run "$@"
	[ "$it_rc" != 0 ] || fail "expected a refusal, got success: $*"
	grep -q '^rshell: denied: ' "$it_err" ||
		fail "no 'rshell: denied:' line on stderr: $*"
}

# expect_failure CMD...: fails (with whatever message).
expect_failure()
{
	run "$@"
	[ "$it_rc" != 0 ] || fail "expected failure, got success: $*"
}

stdout_has() { grep -qF -- "$1" "$it_out" || fail "stdout lacks '$1'"; }
stderr_has() { grep -qF -- "$1" "$it_err" || fail "stderr lacks '$1'"; }
stdout_lacks() { ! grep -qF -- "$1" "$it_out" || fail "stdout has '$1'"; }

absent() { if [ -e "$1" ] || [ -L "$1" ]; then fail "$1 exists"; fi; }

# A listing of a tree that two copies must agree on: type, mode, size,
# mtime, link target and name of every entry (owners are left out: the
# receiving side is not root).
manifest()
{
	(cd "$1" && find . -mindepth 1 -printf '%y %m %s %T@ %P -> %l\n' |
	    sed 's/^\([a-z] [0-7]* [0-9]* [0-9]*\)\.[0-9]*/\1/
		s/^d \([0-7]*\) [0-9]*/d \1 -/' |
	    LC_ALL=C sort)
}

# same_tree A B: same manifest and the same bytes in every file.
same_tree()
{
	local a b
	a=$(manifest "$1")
	b=$(manifest "$2")
	if [ "$a" != "$b" ]; then
		diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -n 20
		fail "trees $1 and $2 differ"
	fi
	diff -r --no-dereference "$1" "$2" >/dev/null ||
		fail "contents of $1 and $2 differ"
}

# ---- the log ------------------------------------------------------------

# log_mark: later log_* calls look only at lines written after this point.
log_mark() { it_logpos=$(wc -l <"$IT_LOG"); }
log_new() { tail -n "+$((it_logpos + 1))" "$IT_LOG"; }

# log_grep PATTERN...: new lines holding every PATTERN (fixed strings).
log_grep()
{
	log_new | awk -v n=$# '
	    BEGIN { for (i = 1; i <= n; i++) p[i] = ARGV[i]; ARGC = 1 }
	    { for (i = 1; i <= n; i++) if (index($0, p[i]) == 0) next; print }
	' "$@"
}

log_has()
{
	[ -n "$(log_grep "$@")" ] && return 0
	printf 'log since mark:\n'
	log_new | sed 's/^/  /'
	fail "no log line with: $*"
}

log_lacks()
{
	[ -z "$(log_grep "$@")" ] && return 0
	log_grep "$@" | sed 's/^/  /'
	fail "log has a line with: $*"
}

# log_field LINE NAME: the value of field NAME in a logfmt line (unquoted,
# escapes left as they are).
log_field()
{
	printf '%s\n' "$1" | awk -v k="$2" '{
	    s = $0
	    while (s != "") {
		match(s, /^[a-z_]+=/)
		if (RSTART != 1) exit 1
		name = substr(s, 1, RLENGTH - 1); s = substr(s, RLENGTH + 1)
		if (substr(s, 1, 1) == "\"") {
			match(s, /^"([^"\\]|\\.)*"/)
			v = substr(s, 2, RLENGTH - 2)
		} else {
			match(s, /^[^ ]*/)
			v = substr(s, 1, RLENGTH)
		}
		s = substr(s, RLENGTH + 1); sub(/^ /, "", s)
		if (name == k) { print v; exit 0 }
	    }
	    exit 1 }'
}

# log_session EVENT STATUS PATTERN...: exactly one new EVENT line (permit or
# deny) matches the patterns; for a permit, exactly one exit line carries its
# pid, with the given status.
log_session()
{
	local ev=$1 st=$2 lines n pid ex
	shift 2
	lines=$(log_grep "event=$ev " "$@")
	n=$(printf '%s' "$lines" | grep -c '^' || true)
	if [ "$n" != 1 ]; then
		printf 'log since mark:\n'
		log_new | sed 's/^/  /'
		fail "expected one $ev line with '$*', found $n"
	fi
	[ "$ev" = permit ] || return 0
	pid=$(log_field "$lines" pid) || fail "no pid in: $lines"
	ex=$(log_new | grep -F " pid=$pid " | grep -F 'event=exit ') || true
	n=$(printf '%s' "$ex" | grep -c '^' || true)
	[ "$n" = 1 ] || { log_new | sed 's/^/  /'; fail "pid $pid: $n exit lines"; }
	[ "$st" = any ] && return 0
	[ "$(log_field "$ex" status)" = "$st" ] ||
		fail "pid $pid: exit status $(log_field "$ex" status), expected $st"
}

# Every line of the log is whole and well formed logfmt whose first fields
# are time, event and pid.
log_wellformed()
{
	local bad
	[ ! -s "$IT_LOG" ] || [ "$(tail -c 1 "$IT_LOG" | od -An -c | tr -d ' ')" = '\n' ] ||
		fail "the log does not end with a newline"
	bad=$(grep -Evn '^time=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z event=(permit|deny|exit|error|prune) pid=[0-9]+( [a-z_]+=([^ "=]+|"([^"\\]|\\.)*"))*$' "$IT_LOG") || true
	[ -z "$bad" ] || { printf '%s\n' "$bad" | head; fail "malformed log lines"; }
}

# ---- the test runner --------------------------------------------------

it_ntest=0
it_nfail=0

# it_test NAME FUNCTION: run one scenario in a subshell; TAP-like output.
it_test()
{
	local name=$1 fn=$2 rc out
	it_ntest=$((it_ntest + 1))
	out=$it_tmp/out/test-$it_ntest.log
	log_mark
	(set -e; "$fn") >"$out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		printf 'ok %d - %s\n' "$it_ntest" "$name"
		[ "${RSHELL_IT_VERBOSE:-0}" = 1 ] && sed 's/^/# /' "$out"
	else
		it_nfail=$((it_nfail + 1))
		printf 'not ok %d - %s\n' "$it_ntest" "$name"
		sed 's/^/# /' "$out"
		printf '# log lines of this scenario:\n'
		log_new | sed 's/^/#   /'
	fi
	return 0
}
