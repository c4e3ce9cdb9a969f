#!/bin/bash
# tests/fuzz/seed.sh: writes the seed corpora tests/fuzz/corpus/NAME/ from
# the tests' own inputs: the client corpora (tests/data/*.tsv), the verdict
# tests (tests/policy/*.cases and *.policy), the example policy, and a few
# hostile inputs of each kind.  Each input is a file named by its content's
# checksum, so running it again changes nothing.  bash for printf's \xHH.
set -eu
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus
rm -rf "$out"
mkdir -p "$out"
tab=$'\t'

# put NAME: stdin into a file of corpus NAME.
put() {
	local f
	f=$(mktemp "$out/.new.XXXXXX")
	cat > "$f"
	mv "$f" "$out/$1/$(cksum < "$f" | tr -c '0-9\n' _ | tr -d '\n')"
}

# The requests: every client corpus row and every verdict row.
requests() {
	grep -hv '^#' tests/data/rsync-3.5-client-commands.tsv \
	    tests/data/openrsync-client-commands.tsv | cut -f3
	grep -hv '^#' tests/policy/*.cases | cut -d' ' -f4- |
	    sed 's|@D@|/srv/d|g'
	cat <<'EOF'
rsync --server -logDtpre.iLsfxCIvu --link-dest=../prev . in/
rsync --server --sender -logDtpre.iLsfxCIvu . a* up/x
rsync --server --sender -logDtpRre.iLsfxCIvu . a/./b in/./x
rsync --server -logDtpre.iLsfxCIvu --backup-dir=../../b . a/
rsync --server -logDtpre.iLsfxCIvu . ~/a/
rsync --server --sender -logDtpre.iLsfxCIvu . ~other/a
ls -la a up dang loop out ~ ~/a
du -sh -- a in/.. /
du -s -a a
df -hk
true
'rsync' "--server" -logDtpre.iLsfxCIvu . a\ b/
rsync --server -e.iLsfxCIvu --rsh=sh . x/
EOF
}

# A -s request: the command line, then what came on stdin.
secluded() {
	grep -hv '^#' tests/data/rsync-3.5-secluded-commands.tsv |
	    while IFS="$tab" read -r _ _ cmd stdin _; do
		# \0 as \x00 first: printf would read "\0" and digits as octal.
		printf '%s\t%s\n' "$cmd" "$(printf '%s' "$stdin" |
		    sed 's/\\\\/\\x5C/g; s/\\0/\\x00/g')"
	    done
}

mkdir -p "$out"/fuzz_words "$out"/fuzz_rsyncargs "$out"/fuzz_logesc \
    "$out"/fuzz_decide "$out"/fuzz_listargs "$out"/fuzz_protargs \
    "$out"/fuzz_policy "$out"/fuzz_confine "$out"/fuzz_report \
    "$out"/fuzz_keep "$out"/fuzz_passwd

requests | while IFS= read -r r; do
	printf '%s' "$r" | put fuzz_words
	printf '\100%s' "$r" | put fuzz_logesc
	printf '\000%s' "$r" | put fuzz_decide
	case $r in
	rsync\ --server\ *)
		printf '%s' "${r#rsync --server }" | tr ' ' '\0' |
		    put fuzz_rsyncargs
		# the keyed rules: no-delete, no-overwrite, pull only, absolute,
		# and the DIRECTORY that holds the home
		for k in 010 020 030 040 120; do
			printf "\\$k%s" "$r" | put fuzz_decide
		done ;;
	ls\ *|du\ *|df\ *|ls|du|df)
		set -f
		set -- $r
		set +f
		c=0
		[ "$1" = du ] && c=1
		[ "$1" = df ] && c=2
		shift
		printf "\\00$c%s" "$*" | tr ' ' '\0' | put fuzz_listargs
		printf '\060%s' "$r" | put fuzz_decide
		printf '\120%s' "$r" | put fuzz_decide ;;
	esac
done

secluded | while IFS="$tab" read -r cmd stdin; do
	printf '%s' "$cmd" | put fuzz_words
	printf "\\037\\377$stdin" | put fuzz_protargs
	printf "\\200%s\\x00$stdin" "$cmd" | put fuzz_decide
	printf "\\300%s\\x00$stdin" "$cmd" | put fuzz_decide
done

# Values no client sends in a clean form, for the log writer.
for v in 'a b' 'k=v' 'q"uote' 'back\slash' '' $'\x1b[31mred' \
    $'line\nbreak' $'\xc3\xa9t\xc3\xa9' $'\xc3' $'\xed\xa0\x80' \
    $'\xf4\x90\x80\x80' $'\xc2\x85' $'\x7f' 'tab	in'; do
	printf '\020%s\000%s' "$v" "$v" | put fuzz_logesc
done
head -c 5000 /dev/zero | tr '\0' 'x' | put fuzz_logesc

# Policies: the verdict tests', the example, and each with a session.
for p in tests/policy/*.policy packaging/policy.example; do
	sed 's|@D@|/srv/d|g' "$p" | put fuzz_policy
	{ sed 's|@D@|/srv/d|g' "$p"; printf '\000root\000/root\000laptop\000staff'; } |
	    put fuzz_policy
	{ sed 's|@D@|/srv/d|g' "$p"; printf '\000u\000/home/u\000\000backup'; } |
	    put fuzz_policy
done
printf 'permit push pull list u dir %%h/backup/%%u\npermit pull :staff dir /srv/%%%%x\n\000u\000/home/u\000\000staff' |
    put fuzz_policy
printf '# trust\npermit push u dir /srv/u\n' | put fuzz_policy
printf 'permit push u dir /srv/%%u\n\000a/b\000/h\000' | put fuzz_policy

# The resolver's tokens: flags, then components (tests/fuzz/fuzz_confine.c).
for t in '\000\000' '\001\001\002' '\004\020\021\001' '\010\003\023\000' \
    '\002\000\377\021\021\000' '\003\001\377\021\022' '\001\360\001' \
    '\000\016\017\020\021' '\005\022\022\022\001'; do
	printf "$t" | put fuzz_confine
done

# Log lines as rshell writes them, and as syslog and journald carry them
# (rshell-report's reader, tests/fuzz/fuzz_report.c).
ev='time=2026-12-01T07:00:01.123Z event=permit pid=4242 user=backup uid=34 key=laptop from=192.0.2.7 cmd="rsync --server -logDtpre.iLsfxCIvu . home/" run="/usr/bin/rsync --server -logDtpre.iLsfxCIvu -- . /proc/self/fd/3/"'
ex='time=2026-12-01T07:00:09.500Z event=exit pid=4242 user=backup uid=34 key=laptop status=0 ms=8377 write_bytes=409600 read_bytes=0 rchar=5120 wchar=409600 cpu_ms=120 maxrss_kb=5120'
dn='time=2026-12-01T07:01:00.000Z event=deny pid=4243 user=backup uid=34 from=198.51.100.9 cmd="rsync --server -e.iLsfxCIvu --rsh=sh . x" reason="--rsh is not allowed"'
for l in "$ev" "$ex" "$dn" 'time=2026-12-01T07:02:00.000Z event=exit pid=1 user=u signal=TERM ms=5' \
    "<86>Dec  1 07:00:01 host1 rshell[4242]: ${ev#time=* }" \
    "<86>1 2026-12-01T07:00:01.123Z host2 rshell 4242 - - ${ex#time=* }" \
    "2026-12-01T07:00:01+0000 host3 rshell[4242]: ${dn#time=* }" \
    '{"_HOSTNAME":"host4","SYSLOG_IDENTIFIER":"rshell","MESSAGE":"event=deny pid=9 user=u reason=x","__REALTIME_TIMESTAMP":"1764572401000000"}' \
    "${ev% run=*}" "$ev$ex" 'time=2026-12-01T07:00:01Z event=permit pid=1 user=\x1b[31m cmd=[cut]'; do
	printf '%s\n' "$l" | put fuzz_report
done

# Retention: the words after "keep", a NUL, the clock (4 bytes), then
# snapshots as 3-byte distances before it, and after 0xff later ones
# (tests/fuzz/fuzz_keep.c).
for k in '14d daily 8w weekly 12m monthly' '48h hourly' '1y yearly' \
    '30d daily 6m monthly 10y yearly' '1d weekly' '0d daily' 'daily 14d'; do
	{ printf '%s\000\143\056\144\001' "$k"
	  printf '\000\001\000\000\200\000\001\000\000\377\000\000\007\000\200\000'; } |
	    put fuzz_keep
done

# Password files: the uid to look up in the first byte (an index into
# tests/fuzz/fuzz_passwd.c's list), then the file (rshell/passwd.c).
for p in 'root:x:0:0:root:/root:/bin/bash\nbackup:x:1000:1000:Backup,,,:/srv/backup:/usr/sbin/rshell\n' \
    '# comment\n\n  \nbackup:x:1000:1000::/srv/backup:/usr/sbin/rshell' \
    '+::::::\nroot:x:0:0:root:/root:/bin/bash\n' \
    ' root:x:0:0::/root:/bin/sh\nroot:x:0:0::/:/\n' \
    'a:x:4294967296:0::/:/\nb:x:0:0::/:/:extra\nc:x:00:0::/:/\n' \
    'nas:x:5:5:\xc3\xa9:/home/nas:/bin/sh\r\n-nas\n'; do
	for u in '\000' '\002' '\004'; do
		printf "$u$p" | put fuzz_passwd
	done
done
for n in 'passwd: files systemd\ngroup: files systemd\n' \
    'passwd: sss files\n' 'passwd: files [NOTFOUND=return] ldap\n' \
    '# passwd: ldap\npasswd:files\n' 'passwd: files\npasswd: ldap\n'; do
	printf "\001$n" | put fuzz_passwd
done
