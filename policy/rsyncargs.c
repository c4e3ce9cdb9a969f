/*
 * The rsync server argument grammar.
 *
 *	rsync --server [--sender] OPTION ... . PATH ...
 *
 * An rsync client started over ssh runs exactly this on the server, with
 * the options its server_options() chose (short letters folded into one
 * cluster that ends in the -e capability string, long options with "=" or
 * with the value as the next word, the paths after a lone ".").
 * openrsync (macOS 15 and later) sends each flag as a word of its own
 * ("-g -l -o -p -D -r -t --dirs -8") and no capability string: the same
 * table, one letter per cluster.  Every
 * option is looked up in one table, checked for the shape of its value
 * and against the rule options that forbid it; anything not in the table
 * is refused.  This is the lexical filter only: the paths it hands back
 * are resolved and pinned beneath DIRECTORY by the caller (confine.h).
 *
 * Decisions worth knowing about:
 *  - "." is mandatory, and a word after it that starts with '-' is refused:
 *    a stock client writes a path starting with '-' as "./-x", so such a
 *    word can only be an option smuggled past the end of the options.  A
 *    "--" before the "." is refused for the same reason.
 *  - A push (receiver) takes exactly one path, the destination; a stock
 *    client sends "." when it was given none.  A pull (sender) takes one
 *    or more.
 *  - In a short cluster "e" is the protocol capability string of server
 *    mode (-e.iLsfxCIvu) and must look like one; anything else after "e"
 *    is a remote-shell program and is refused.  -B and -@ take their
 *    number attached (-B8192), as the client sends them.
 *  - A value given as the next word may not start with '-' (it would be
 *    read as a value by rsync but looks like an option to anyone reading
 *    the log); numbers and "--files-from -" are the exceptions.
 *  - --remove-source-files on a pull makes the server delete the files it
 *    sent, out of DIRECTORY: it needs the push permission too.
 *  - --max-delete only limits deletions, so no-delete allows it; it still
 *    sets RF_DELETE as rsync_req documents.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rsyncargs.h"

#define MAXARGS		1024	/* words in a request */
#define MAXWORD		4096	/* bytes in one word */
#define MAXTEXT		256	/* bytes in a text value */
#define MAXNUM		32	/* bytes in a number or size value */
#define MAXCAPS		48	/* bytes in the -e capability string */

enum vkind {
	V_NONE,		/* a flag */
	V_NUM,		/* a decimal int, maybe negative: --timeout=60 */
	V_SIZE,		/* a size: 104857600, 100m, 1.5G, 10KiB+1 */
	V_WORD,		/* names and lists of names: xxh128, latin1 */
	V_TEXT,		/* printable ASCII without blank or '/' */
	V_LIST,		/* printable ASCII without blank: gz/jpg/mp[34] */
	V_CAPS,		/* the -e capability string of server mode */
	V_PATH,		/* a path: to req->popts, with .pk */
	V_REFUSED,	/* always refused, with .why */
};

/* Extra behaviour (struct ropt.x). */
#define X_NOREL		0x01	/* clears RF_RELATIVE */
#define X_PULLPUSH	0x02	/* on a pull, needs RO_PUSH as well */
#define X_EMPTYOK	0x04	/* the value may be empty */
#define X_NEEDPULL	0x08	/* refused under a rule without pull */
#define X_DROP		0x10	/* checked, then dropped: rshell decides */

struct ropt {
	const char	*name;	/* long name without "--", or NULL */
	char		 letter;/* short letter, or 0 */
	unsigned char	 kind;	/* enum vkind */
	unsigned char	 pk;	/* enum rsync_pathkind, for V_PATH */
	unsigned char	 x;	/* X_* */
	unsigned	 forbid;/* RO_* that refuse it */
	unsigned	 sets;	/* RF_* it sets */
	const char	*why;	/* V_REFUSED: why */
};

/*
 * What the policy options refuse, and why:
 *  no-delete (NODEL):
 *	--delete, --del, --delete-{before,during,delay,after,excluded}:
 *		remove files on the receiver;
 *	--delete-missing-args: removes the destination of a missing source;
 *	--remove-source-files, --remove-sent-files: the sender removes what
 *		it sent (the server's files on a pull);
 *	--force: removes a non-empty directory that is in the way of a file,
 *		even without --delete.
 *  no-overwrite (all of the above, and):
 *	--inplace, --append: write into existing files;
 *	-b/--backup, --backup-dir, --suffix: rename existing files, and a
 *		backup onto a name that exists replaces what is there;
 *	--partial-dir, --delay-updates: keep files in a staging directory and
 *		move them over existing names, or remove what is staged there.
 *	--partial: keeps a partial file under the final name.
 *  Harmless under no-overwrite, where the kernel lets rsync create but not
 *  change what exists: -c, -I, -u, --existing, --link-dest/--compare-dest/
 *  --copy-dest (only read), --max-delete.
 *  snapshot (SNAP, on a push; a pull reads every snapshot read-only):
 *	--link-dest, --compare-dest, --copy-dest: the server links against
 *		the newest snapshot by itself, and a client's choice would
 *		only make the kernel grant it more;
 *	--inplace, --append: a file unchanged since the last snapshot is a
 *		hard link, its inode shared with every earlier snapshot that
 *		has it, so rsync may only create new files and rename them
 *		into place (the wall refuses it anyway);
 *	-b/--backup, --backup-dir, --suffix: every earlier version already
 *		stays in its snapshot.
 *  Fine under snapshot, inside the new snapshot alone: --delete*, --force,
 *  --partial (the partial file is the new snapshot's own), a relative
 *  --partial-dir and --delay-updates (staged inside each destination
 *  directory; plan_rsync.c refuses an absolute --partial-dir).
 *  fake-super: --super, which would switch it off.
 *  A rule without pull (X_NEEDPULL), where no content of existing files
 *  may leave the server: -B/--block-size, --no-whole-file/--no-W (rshell
 *  adds --whole-file, so no block checksums of the server's files are
 *  sent to the client).
 *  --temp-dir is checked and dropped (X_DROP): rsync's default is a
 *  temporary file beside the destination, inside DIRECTORY, and under
 *  no-overwrite rshell gives rsync a directory of the session's own.
 */
#define NODEL	(RO_NODELETE | RO_NOOVERWRITE)
#define NOOVR	RO_NOOVERWRITE
#define FAKE	RO_FAKESUPER
#define SNAP	RO_SNAPSHOT

static const char snap_link[] = "the server links against the previous "
    "snapshot by itself";
static const char snap_inplace[] = "unchanged files are hard links shared "
    "with earlier snapshots, so rsync may only create and rename";
static const char snap_backup[] = "every earlier version stays in its own "
    "snapshot";

#define FLAG(n, l)		{ n, l, V_NONE, 0, 0, 0, 0, NULL }
#define FSET(n, l, f, s, x)	{ n, l, V_NONE, 0, x, f, s, NULL }
#define FSNAP(n, l, f, why)	{ n, l, V_NONE, 0, 0, (f) | SNAP, 0, why }
#define VAL(n, l, k)		{ n, l, k, 0, 0, 0, 0, NULL }
#define VSET(n, k, f, s, x)	{ n, 0, k, 0, x, f, s, NULL }
#define PATH(n, pk, f)		{ n, 0, V_PATH, pk, 0, f, 0, NULL }
#define PSNAP(n, pk, f, why)	{ n, 0, V_PATH, pk, 0, (f) | SNAP, 0, why }
#define NO(n, l, why)		{ n, l, V_REFUSED, 0, 0, 0, 0, why }

static const struct ropt ropts[] = {
	/* The short letters a client sends, with their long names. */
	FLAG("verbose", 'v'),
	FLAG("quiet", 'q'),
	FLAG("checksum", 'c'),
	FLAG("recursive", 'r'),
	FSET("relative", 'R', 0, RF_RELATIVE, 0),
	FSNAP("backup", 'b', NOOVR, snap_backup),
	FLAG("update", 'u'),
	FLAG("dirs", 'd'),
	FLAG("links", 'l'),
	FLAG("hard-links", 'H'),
	FLAG("perms", 'p'),
	FLAG("executability", 'E'),
	FLAG("acls", 'A'),
	FLAG("xattrs", 'X'),
	FLAG("owner", 'o'),
	FLAG("group", 'g'),
	FLAG(NULL, 'D'),
	FLAG("times", 't'),
	FLAG("atimes", 'U'),
	FLAG("crtimes", 'N'),
	FLAG("omit-dir-times", 'O'),
	FLAG("omit-link-times", 'J'),
	FLAG("sparse", 'S'),
	FLAG("dry-run", 'n'),
	FLAG("whole-file", 'W'),
	FLAG("one-file-system", 'x'),
	FLAG("prune-empty-dirs", 'm'),
	FLAG("ignore-times", 'I'),
	FLAG("fuzzy", 'y'),
	FLAG("compress", 'z'),
	FLAG("cvs-exclude", 'C'),
	FLAG("8-bit-output", '8'),	/* display only; openrsync sends -8 */
	{ "block-size", 'B', V_SIZE, 0, X_NEEDPULL, 0, 0, NULL },
	VAL("modify-window", '@', V_NUM),
	{ NULL, 'e', V_CAPS, 0, 0, 0, 0, NULL },

	/* Long options a client sends. */
	FSET("no-relative", 0, 0, 0, X_NOREL),
	FLAG("no-implied-dirs", 0),
	FLAG("no-r", 0),
	FSET("no-W", 0, 0, 0, X_NEEDPULL),
	FSET("no-whole-file", 0, 0, 0, X_NEEDPULL),
	FLAG("specials", 0),
	FLAG("no-specials", 0),
	FLAG("drop-D", 0),
	FLAG("open-noatime", 0),
	FSET("super", 0, FAKE, 0, 0),
	FSET("fake-super", 0, 0, RF_FAKESUPER, 0),
	FLAG("preallocate", 0),
	FLAG("existing", 0),
	FLAG("ignore-non-existing", 0),
	FSET("ignore-existing", 0, 0, RF_IGNEXIST, 0),
	FLAG("ignore-missing-args", 0),
	FLAG("numeric-ids", 0),
	FLAG("size-only", 0),
	FLAG("new-compress", 0),
	FLAG("old-compress", 0),
	FLAG("from0", 0),
	FLAG("stats", 0),
	FSET("list-only", 0, 0, RF_LISTONLY, 0),
	FLAG("fsync", 0),
	FLAG("mkpath", 0),
	FLAG("safe-links", 0),
	FSET("munge-links", 0, 0, RF_MUNGE, 0),
	FLAG("ignore-errors", 0),
	FLAG("use-qsort", 0),
	FLAG("msgs2stderr", 0),
	FLAG("no-msgs2stderr", 0),
	FSET("partial", 0, NOOVR, 0, 0),
	FSET("delay-updates", 0, NOOVR, 0, 0),
	FSNAP("inplace", 0, NOOVR, snap_inplace),
	FSNAP("append", 0, NOOVR, snap_inplace),
	FSET("delete", 0, NODEL, RF_DELETE, 0),
	FSET("del", 0, NODEL, RF_DELETE, 0),
	FSET("delete-before", 0, NODEL, RF_DELETE, 0),
	FSET("delete-during", 0, NODEL, RF_DELETE, 0),
	FSET("delete-delay", 0, NODEL, RF_DELETE, 0),
	FSET("delete-after", 0, NODEL, RF_DELETE, 0),
	FSET("delete-excluded", 0, NODEL, RF_DELETE, 0),
	FSET("delete-missing-args", 0, NODEL, RF_DELETE, 0),
	FSET("remove-source-files", 0, NODEL, RF_DELETE | RF_REMOVESRC,
	    X_PULLPUSH),
	FSET("remove-sent-files", 0, NODEL, RF_DELETE | RF_REMOVESRC,
	    X_PULLPUSH),
	FSET("force", 0, NODEL, 0, 0),
	VSET("max-delete", V_NUM, 0, RF_DELETE, 0),
	VAL("timeout", 0, V_NUM),
	VAL("compress-level", 0, V_NUM),
	VAL("compress-threads", 0, V_NUM),
	VAL("checksum-seed", 0, V_NUM),
	VAL("bwlimit", 0, V_SIZE),
	VAL("max-size", 0, V_SIZE),
	VAL("min-size", 0, V_SIZE),
	VAL("max-alloc", 0, V_SIZE),
	VAL("checksum-choice", 0, V_WORD),
	VAL("compress-choice", 0, V_WORD),
	VAL("iconv", 0, V_WORD),
	VAL("info", 0, V_WORD),
	VAL("stderr", 0, V_WORD),
	VAL("log-format", 0, V_TEXT),
	VAL("usermap", 0, V_TEXT),
	VAL("groupmap", 0, V_TEXT),
	VAL("skip-compress", 0, V_LIST),
	{ "suffix", 0, V_TEXT, 0, X_EMPTYOK, NOOVR | SNAP, 0, snap_backup },
	PSNAP("backup-dir", RP_DESTREL, NOOVR, snap_backup),
	PATH("partial-dir", RP_PARTIAL, NOOVR),
	{ "temp-dir", 0, V_PATH, RP_DESTREL, X_DROP, 0, 0, NULL },
	PSNAP("link-dest", RP_DESTREL, 0, snap_link),
	PSNAP("compare-dest", RP_DESTREL, 0, snap_link),
	PSNAP("copy-dest", RP_DESTREL, 0, snap_link),
	PATH("files-from", RP_CWDREL, 0),

	/* Refused, each with its reason. */
	NO("rsh", 0, "a remote shell program is never run"),
	NO("rsync-path", 0, "it names a program to run"),
	NO("daemon", 0, "only rsync over ssh is served"),
	NO("config", 0, "only rsync over ssh is served"),
	NO("dparam", 0, "only rsync over ssh is served"),
	NO("remote-option", 'M', "it passes options on unchecked"),
	NO("log-file", 0, "it writes a file outside the check"),
	NO("log-file-format", 0, "no log file is written"),
	NO("write-batch", 0, "it writes a file outside the check"),
	NO("only-write-batch", 0, "it writes a file outside the check"),
	NO("read-batch", 0, "it reads a file outside the check"),
	NO("copy-devices", 0, "it reads devices as files"),
	NO("write-devices", 0, "it writes to devices"),
	NO("no-munge-links", 0, "it would undo the policy's munge-links"),
	/* rshell reads the protected arguments itself and drops -s (see
	   secluded.c): one left here came inside them, asking for more. */
	NO("secluded-args", 's', "it may come only on the command line, once"),
	NO("protect-args", 0, "it may come only on the command line, once"),
	NO("debug", 0, "it reports server internals"),
	NO("copy-links", 'L', "it follows symlinks out of the directory"),
	NO("copy-dirlinks", 'k', "it follows symlinks out of the directory"),
	NO("keep-dirlinks", 'K', "it follows symlinks out of the directory"),
	NO("copy-unsafe-links", 0,
	    "it follows symlinks out of the directory"),
	NO("insecure-links", 0, "it turns off rsync's own confinement"),
	NO("confine-root", 0, "rshell sets it itself"),
	NO("copy-as", 0, "it runs the copy as another user"),
	{ NULL, 0, V_NONE, 0, 0, 0, 0, NULL }
};

struct state {
	struct rsync_req *req;
	unsigned	  ro;		/* rule options */
	char		 *err;
	size_t		  errlen;
};

static int fail(struct state *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, st->errlen, fmt, ap);	/* a cut reason is fine */
	va_end(ap);
	return -1;
}

/* "--name/-l", "--name" or "-l": how a reason names an entry. */
static const char *
display(const struct ropt *o, char *buf, size_t len)
{
	if (o->name != NULL && o->letter != 0)
		snprintf(buf, len, "--%s/-%c", o->name, o->letter);
	else if (o->name != NULL)
		snprintf(buf, len, "--%s", o->name);
	else
		snprintf(buf, len, "-%c", o->letter);
	return buf;
}

static const struct ropt *
bylong(const char *name, size_t len)
{
	const struct ropt *o;

	for (o = ropts; o->name != NULL || o->letter != 0; o++)
		if (o->name != NULL && strlen(o->name) == len &&
		    memcmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct ropt *
byletter(char c)
{
	const struct ropt *o;

	for (o = ropts; o->name != NULL || o->letter != 0; o++)
		if (o->letter != 0 && o->letter == c)
			return o;
	return NULL;
}

int
rsync_letter(char c)
{
	const struct ropt *o = byletter(c);

	if (o == NULL)
		return RL_UNKNOWN;
	return o->kind == V_NONE || o->kind == V_REFUSED ? RL_FLAG : RL_VALUE;
}

static int
isdigits(const char *s, size_t min, size_t max, size_t *n)
{
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		;
	*n = i;
	return i >= min && i <= max;
}

static int
num_ok(const char *s)
{
	const char *errstr;
	size_t n;

	if (strlen(s) > MAXNUM || !isdigits(s + (*s == '-'), 1, 10, &n) ||
	    s[(*s == '-') + n] != '\0')
		return 0;
	(void)strtonum(s, INT_MIN, INT_MAX, &errstr);
	return errstr == NULL;
}

/* DIGITS [. DIGITS] [UNIT [B | iB]] [+1 | -1], as rsync's size arguments. */
static int
size_ok(const char *s)
{
	const char *p = s;
	size_t n;

	if (strlen(s) > MAXNUM || !isdigits(p, 1, 20, &n))
		return 0;
	p += n;
	if (*p == '.') {
		if (!isdigits(++p, 1, 10, &n))
			return 0;
		p += n;
	}
	if (*p != '\0' && strchr("bBkKmMgGtTpP", *p) != NULL) {
		p++;
		if ((p[0] == 'i' || p[0] == 'I') && (p[1] == 'b' || p[1] == 'B'))
			p += 2;
		else if (p[0] == 'b' || p[0] == 'B')
			p++;
	}
	if ((p[0] == '+' || p[0] == '-') && p[1] == '1')
		p += 2;
	return *p == '\0';
}

static int
text_ok(const char *s, int kind)
{
	const unsigned char *p;

	if (strlen(s) > MAXTEXT)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f)
			return 0;
		if (kind == V_TEXT && *p == '/')
			return 0;
		if (kind == V_WORD && strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789._,:+-", *p) == NULL)
			return 0;
	}
	return 1;
}

/*
 * The capability string after "e" in server mode: "." or a pre-release
 * protocol "31.12", then flag letters (".iLsfxCIvu").
 */
static int
caps_ok(const char *s)
{
	size_t n, m = 0;

	if (strlen(s) > MAXCAPS || !isdigits(s, 0, 4, &n) || s[n] != '.')
		return 0;
	s += n + 1;
	if (n > 0 && !isdigits(s, 1, 4, &m))
		return 0;
	for (s += m; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

static int
value_ok(const struct ropt *o, const char *v)
{
	if (*v == '\0')
		return (o->x & X_EMPTYOK) != 0;
	switch (o->kind) {
	case V_NUM:
		return num_ok(v);
	case V_SIZE:
		return size_ok(v);
	case V_WORD:
	case V_TEXT:
	case V_LIST:
		return text_ok(v, o->kind);
	case V_PATH:
		return 1;	/* every word was checked for bytes and length */
	}
	return 0;
}

static int
addword(char **v, size_t *n, const char *s)
{
	if ((v[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Refusals and policy checks that do not depend on the value. */
static int
allowed(struct state *st, const struct ropt *o)
{
	char nm[80];

	if (o->kind == V_REFUSED)
		return fail(st, "%s is not allowed: %s",
		    display(o, nm, sizeof(nm)), o->why);
	if (o->forbid & st->ro & RO_NODELETE)
		return fail(st, "%s is not allowed by the no-delete policy",
		    display(o, nm, sizeof(nm)));
	if (o->forbid & st->ro & RO_NOOVERWRITE)
		return fail(st, "%s is not allowed by the no-overwrite policy",
		    display(o, nm, sizeof(nm)));
	if (o->forbid & st->ro & RO_SNAPSHOT &&
	    !(st->req->flags & RF_SENDER))
		return fail(st, "%s is not allowed by the snapshot policy: %s",
		    display(o, nm, sizeof(nm)), o->why);
	if (o->forbid & st->ro & RO_FAKESUPER)
		return fail(st, "%s is not allowed by the fake-super policy: "
		    "it would switch fake-super off", display(o, nm,
		    sizeof(nm)));
	if (o->x & X_NEEDPULL && !(st->ro & RO_PULL))
		return fail(st, "%s is not allowed under a rule without pull: "
		    "no content of existing files leaves the server",
		    display(o, nm, sizeof(nm)));
	if (o->x & X_PULLPUSH && st->req->flags & RF_SENDER &&
	    !(st->ro & RO_PUSH))
		return fail(st, "%s on a pull deletes files here and needs "
		    "the push permission", display(o, nm, sizeof(nm)));
	return 0;
}

static void
setflags(struct state *st, const struct ropt *o)
{
	st->req->flags |= o->sets;
	if (o->x & X_NOREL)
		st->req->flags &= ~RF_RELATIVE;
}

static int
addpopt(struct state *st, const struct ropt *o, const char *value)
{
	struct rsync_req *r = st->req;
	struct rsync_pathopt *po = &r->popts[r->npopts];

	if ((po->value = strdup(value)) == NULL)
		return fail(st, "out of memory");
	po->name = o->name;
	po->kind = o->pk;
	r->npopts++;
	return 0;
}

/*
 * A long option at argv[i]; returns how many words it took (1 or 2), or
 * -1 with the reason.
 */
static int
longopt(struct state *st, char *const *argv, size_t argc, size_t i)
{
	struct rsync_req *r = st->req;
	const struct ropt *o;
	const char *w = argv[i] + 2, *eq, *v;
	size_t len, used = 1;

	eq = strchr(w, '=');
	len = eq != NULL ? (size_t)(eq - w) : strlen(w);
	if (len == 6 && strncmp(w, "server", 6) == 0)
		return fail(st, "--server may only come first");
	if (len == 6 && strncmp(w, "sender", 6) == 0)
		return fail(st, "--sender must come right after --server");
	if ((o = bylong(w, len)) == NULL)
		return fail(st, "unknown option --%.*s", (int)(len > 64 ?
		    64 : len), w);
	if (allowed(st, o) == -1)
		return -1;
	if (o->kind == V_NONE) {
		if (eq != NULL)
			return fail(st, "--%s does not take a value", o->name);
		setflags(st, o);
		return addword(r->opts, &r->nopts, argv[i]) == -1 ?
		    fail(st, "out of memory") : 1;
	}
	if (eq != NULL)
		v = eq + 1;
	else if (i + 1 < argc) {
		v = argv[i + 1];
		used = 2;
		if (v[0] == '-' && o->kind != V_NUM &&
		    !(o->pk == RP_CWDREL && strcmp(v, "-") == 0))
			return fail(st, "the value of --%s may not start with "
			    "'-' (write --%s=VALUE)", o->name, o->name);
	} else
		return fail(st, "--%s needs a value", o->name);
	if (!value_ok(o, v))
		return fail(st, "bad value for --%s", o->name);
	setflags(st, o);
	if (o->x & X_DROP)
		return (int)used;
	if (o->kind == V_PATH)
		return addpopt(st, o, v) == -1 ? -1 : (int)used;
	if (addword(r->opts, &r->nopts, argv[i]) == -1 ||
	    (used == 2 && addword(r->opts, &r->nopts, argv[i + 1]) == -1))
		return fail(st, "out of memory");
	return (int)used;
}

static int
badletter(struct state *st, unsigned char c)
{
	if (c > ' ' && c < 0x7f)
		return fail(st, "unknown option -%c", c);
	return fail(st, "unknown option -\\x%02x", c);
}

/* A cluster of short options at argv[i]: "-vlogDtprze.iLsfxCIvu". */
static int
shortopts(struct state *st, const char *w)
{
	struct rsync_req *r = st->req;
	const struct ropt *o;
	const char *p;

	for (p = w + 1; *p != '\0'; p++) {
		if ((o = byletter(*p)) == NULL)
			return badletter(st, (unsigned char)*p);
		if (allowed(st, o) == -1)
			return -1;
		if (o->kind == V_CAPS) {
			if (!caps_ok(p + 1))
				return fail(st, "-e/--rsh is not allowed: a "
				    "remote shell program is never run");
			break;
		}
		if (o->kind != V_NONE) {
			if (p[1] == '\0')
				return fail(st, "-%c needs its value attached "
				    "(-%c%s)", *p, *p, *p == 'B' ? "8192" :
				    "1");
			if (!value_ok(o, p + 1))
				return fail(st, "bad value for -%c", *p);
			break;
		}
		setflags(st, o);
	}
	if (addword(r->opts, &r->nopts, w) == -1)
		return fail(st, "out of memory");
	return 1;
}

static int
option(struct state *st, char *const *argv, size_t argc, size_t i)
{
	const char *w = argv[i];

	if (strcmp(w, "--") == 0)
		return fail(st, "'--' before '.' is not allowed");
	if (strncmp(w, "--", 2) == 0)
		return longopt(st, argv, argc, i);
	if (w[0] == '-' && w[1] != '\0')
		return shortopts(st, w);
	return fail(st, "unexpected argument before '.': %.64s", w);
}

/* Every word: bounded, no control bytes (the fuzzer calls us directly). */
static int
words_ok(struct state *st, char *const *argv, size_t argc)
{
	const unsigned char *p;
	size_t i;

	if (argc > MAXARGS)
		return fail(st, "too many arguments");
	for (i = 0; i < argc; i++) {
		if (argv[i] == NULL)
			return fail(st, "missing argument");
		if (strlen(argv[i]) > MAXWORD)
			return fail(st, "argument %zu is too long", i);
		for (p = (const unsigned char *)argv[i]; *p != '\0'; p++)
			if (*p < ' ' || *p == 0x7f)
				return fail(st, "argument %zu has a control "
				    "byte", i);
	}
	return 0;
}

static int
direction(struct state *st)
{
	if (st->req->flags & RF_SENDER) {
		if (!(st->ro & RO_PULL))
			return fail(st, "pull not permitted by policy");
	} else if (!(st->ro & RO_PUSH))
		return fail(st, "push not permitted by policy");
	return 0;
}

static int
paths(struct state *st, char *const *argv, size_t argc, size_t i)
{
	struct rsync_req *r = st->req;

	for (; i < argc; i++) {
		if (argv[i][0] == '-')
			return fail(st, "options after '.' are not allowed: "
			    "%.64s", argv[i]);
		if (argv[i][0] == '\0')
			return fail(st, "empty path");
		if (addword(r->paths, &r->npaths, argv[i]) == -1)
			return fail(st, "out of memory");
	}
	if (r->flags & RF_SENDER) {
		if (r->npaths == 0)
			return fail(st, "no source path after '.'");
	} else if (r->npaths != 1)
		return fail(st, "a push takes exactly one destination path, "
		    "not %zu", r->npaths);
	return 0;
}

static int
alloc(struct state *st, size_t argc)
{
	struct rsync_req *r = st->req;

	/* No request holds more options or paths than it has words. */
	r->opts = calloc(argc + 1, sizeof(*r->opts));
	r->popts = calloc(argc + 1, sizeof(*r->popts));
	r->paths = calloc(argc + 1, sizeof(*r->paths));
	if (r->opts == NULL || r->popts == NULL || r->paths == NULL)
		return fail(st, "out of memory");
	return 0;
}

static int
check(struct state *st, char *const *argv, size_t argc)
{
	size_t i = 2;
	int n;

	if (words_ok(st, argv, argc) == -1)
		return -1;
	if (argc < 2)
		return fail(st, "not an rsync server command");
	if (strcmp(argv[1], "--server") != 0)
		return fail(st, "--server must be the first argument");
	if (alloc(st, argc) == -1)
		return -1;
	if (i < argc && strcmp(argv[i], "--sender") == 0) {
		st->req->flags |= RF_SENDER;
		i++;
	}
	if (direction(st) == -1)
		return -1;
	for (; i < argc && strcmp(argv[i], ".") != 0; i += (size_t)n)
		if ((n = option(st, argv, argc, i)) == -1)
			return -1;
	if (i == argc)
		return fail(st, "missing '.' between the options and the "
		    "paths");
	return paths(st, argv, argc, i + 1);
}

int
rsync_check(char *const *argv, size_t argc, unsigned ruleopts,
    struct rsync_req *req, char *err, size_t errlen)
{
	struct state st;

	memset(req, 0, sizeof(*req));
	st.req = req;
	st.ro = ruleopts;
	st.err = err;
	st.errlen = errlen;
	if (check(&st, argv, argc) == -1) {
		rsync_req_free(req);
		return -1;
	}
	return 0;
}

void
rsync_req_free(struct rsync_req *req)
{
	size_t i;

	if (req->opts != NULL)
		for (i = 0; i < req->nopts; i++)
			free(req->opts[i]);
	if (req->popts != NULL)
		for (i = 0; i < req->npopts; i++)
			free(req->popts[i].value);
	if (req->paths != NULL)
		for (i = 0; i < req->npaths; i++)
			free(req->paths[i]);
	free(req->opts);
	free(req->popts);
	free(req->paths);
	memset(req, 0, sizeof(*req));
}
