#!/bin/sh
# Policy verdicts through the dry-run oracle, as doas's regress uses doas -C.
# Each tests/policy/NAME.policy has a NAME.cases file of
#	USER KEY VERDICT COMMAND...
# (KEY "-" for none); @D@ in either file is the fixture directory.
set -u
RSHELL=${1:?usage: run.sh RSHELL}
here=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "policy verdict tests need root (the policy must be root-owned): skipped"
	exit 0
fi

D=$(mktemp -d /tmp/rshell-policy.XXXXXX)
trap 'rm -rf "$D"' EXIT INT TERM
chmod 0755 "$D"
mkdir -p "$D/srv/root/laptop" "$D/srv/nobody" "$D/srv/laptop" "$D/srv/ro" \
    "$D/srv/all" "$D/srv/root/prev"
: > "$D/srv/root/laptop/file.txt"
ln -s /etc "$D/srv/root/evil"

pass=0 fail=0 n=0
for pol in "$here"/*.policy; do
	name=$(basename "$pol" .policy)
	sed "s|@D@|$D|g" "$pol" > "$D/$name.policy"
	chmod 0644 "$D/$name.policy"
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		line=$(printf '%s\n' "$line" | sed "s|@D@|$D|g")
		user=${line%% *}; rest=${line#* }
		key=${rest%% *}; rest=${rest#* }
		want=${rest%% *}; cmd=${rest#* }
		n=$((n + 1))
		if [ "$key" = - ]; then
			out=$("$RSHELL" -n -f "$D/$name.policy" -u "$user" -c "$cmd" 2>&1)
		else
			out=$("$RSHELL" -n -f "$D/$name.policy" -u "$user" -k "$key" -c "$cmd" 2>&1)
		fi
		got=$(printf '%s\n' "$out" | head -n 1 | sed 's/:.*//')
		if [ "$got" = "$want" ]; then
			pass=$((pass + 1))
			echo "ok $n - $name: $user ${key} $want $cmd"
		else
			fail=$((fail + 1))
			echo "not ok $n - $name: $user $key $cmd: want $want, got: $out"
		fi
	done < "$here/$name.cases"
done
echo "policy verdicts: $pass passed, $fail failed"
[ "$fail" = 0 ]
