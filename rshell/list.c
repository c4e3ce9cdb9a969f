/*
 * The read-only listings built into rshell: ls, du and df, answered by
 * rshell itself (never /bin/ls), with output close enough to GNU coreutils
 * in the C locale that awk and cut scripts written against it keep working.
 *
 * Confinement.  Every operand is resolved at list_prepare by confine.h,
 * the resolver the rsync paths use, and pinned as a descriptor; a symlink
 * given as an operand must resolve beneath DIRECTORY as well.  Everything
 * below an operand is reached by openat() of one directory entry with
 * O_NOFOLLOW from its parent's descriptor, so no symlink, ".." or rename
 * race can lead outside.  -R and du never descend into symlinks nor into
 * another file system than the operand's.
 *
 * Memory.  du streams: no entry arrays, one level record per directory
 * depth.  ls holds one directory's entries at a time (names packed in one
 * arena, 12 bytes per entry plus the name, 56 more with -l or -t) and, for
 * -R, the names of the subdirectories still to visit along the current
 * path.  At most LIST_FDS directory descriptors stay open; deeper, the
 * shallowest is closed and reopened through ".." on the way back, checked
 * by device and inode, and du resumes it at its getdents position (the
 * same cookie contract seekdir(3) and NFS servers rely on).
 *
 * This file holds the request and df; the walk is list_walk.c, ls and du
 * are list_ls.c and list_du.c, the output formats list_fmt.c.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "list.h"
#include "list_fmt.h"

#define LIST_MAXOPS	256		/* operands in one request */

static const struct flagdef ls_flags[] = {
	{ 'a', F_ALL, F_ALMOST }, { 'A', F_ALMOST, F_ALL }, { 'l', F_LONG, 0 },
	{ 'h', F_HUMAN, 0 }, { 'R', F_REC, 0 }, { 'd', F_DIR, 0 },
	{ '1', 0, 0 }, { 't', F_TIME, 0 }, { 'r', F_REV, 0 }, { '\0', 0, 0 }
};
static const struct flagdef du_flags[] = {
	{ 's', F_SUM, 0 }, { 'h', F_HUMAN, 0 }, { 'k', 0, F_HUMAN },
	{ 'a', F_ALL, 0 }, { 'c', F_TOTAL, 0 }, { '\0', 0, 0 }
};
static const struct flagdef df_flags[] = {
	{ 'h', F_HUMAN, 0 }, { 'k', 0, F_HUMAN }, { '\0', 0, 0 }
};

static const struct cmddef cmds[] = {
	{ "ls", CMD_LS, ls_flags, 1 },
	{ "du", CMD_DU, du_flags, 1 },
	{ "df", CMD_DF, df_flags, 0 },
};

/* --- df ------------------------------------------------------------- */

static uint64_t
mul_sat(uint64_t a, uint64_t b)
{
	uint64_t v;

	return __builtin_mul_overflow(a, b, &v) ? UINT64_MAX : v;
}

/*
 * The file system holding DIRECTORY, in GNU df's columns.  Filesystem is
 * "-" and "Mounted on" is "/": the client sees DIRECTORY as its root and
 * learns nothing of the server's devices or mount points.
 */
static void
df_run(struct run *r)
{
	static const char *hk[] = { "1K-blocks", "Used", "Available" };
	static const char *hh[] = { "Size", "Used", "Avail" };
	const char **hdr = (r->flags & F_HUMAN) ? hh : hk;
	char val[3][LIST_NUMLEN], pct[LIST_NUMLEN];
	uint64_t v[3], fr, used, u100;
	struct statvfs sv;
	size_t w[3];
	int i;

	if (fstatvfs(r->l->rootfd, &sv) == -1) {
		list_problem(r, "cannot read file system information for", "/",
		    errno, 1);
		return;
	}
	fr = sv.f_frsize != 0 ? sv.f_frsize : sv.f_bsize;
	used = sv.f_blocks >= sv.f_bfree ? sv.f_blocks - sv.f_bfree : 0;
	v[0] = mul_sat(sv.f_blocks, fr);
	v[1] = mul_sat(used, fr);
	v[2] = mul_sat(sv.f_bavail, fr);
	for (i = 0; i < 3; i++) {
		if (r->flags & F_HUMAN)
			list_fmt_human(v[i], val[i], sizeof(val[i]));
		else
			list_fmt_kib(v[i], val[i], sizeof(val[i]));
		w[i] = 5;
		list_widen(&w[i], hdr[i]);
		list_widen(&w[i], val[i]);
	}
	if (used + sv.f_bavail == 0)
		strlcpy(pct, "-", sizeof(pct));
	else {
		u100 = mul_sat(used, 100);
		snprintf(pct, sizeof(pct), "%" PRIu64 "%%",
		    u100 / (used + sv.f_bavail) +
		    (u100 % (used + sv.f_bavail) != 0));
	}
	list_out_pad(&r->out, "Filesystem", 14, 0);
	for (i = 0; i < 3; i++) {
		list_out_str(&r->out, " ");
		list_out_pad(&r->out, hdr[i], w[i], 1);
	}
	list_out_str(&r->out, " Use% Mounted on\n");
	list_out_pad(&r->out, "-", 14, 0);
	for (i = 0; i < 3; i++) {
		list_out_str(&r->out, " ");
		list_out_pad(&r->out, val[i], w[i], 1);
	}
	list_out_str(&r->out, " ");
	list_out_pad(&r->out, pct, 4, 1);
	list_out_str(&r->out, " /\n");
}

/* --- the request ---------------------------------------------------- */

/* name for a reason: control bytes as '?', long names cut. */
static const char *
reason_name(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 4 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	if (s[i] != '\0' && len >= 4) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static int
parse_word(struct listing *l, const char *w, char *err, size_t errlen)
{
	const struct flagdef *f;
	char nb[80];
	const char *p;

	if (w[1] == '-') {
		snprintf(err, errlen, "%s: unknown option %s", l->cmd->name,
		    reason_name(w, nb, sizeof(nb)));
		if ((p = strchr(err, '=')) != NULL)
			err[p - err] = '\0';
		return -1;
	}
	for (p = w + 1; *p != '\0'; p++) {
		for (f = l->cmd->flags; f->c != '\0' && f->c != *p; f++)
			;
		if (f->c == '\0') {
			nb[0] = *p;
			nb[1] = '\0';
			snprintf(err, errlen, "%s: unknown option -%s",
			    l->cmd->name, reason_name(nb, nb + 2, 8));
			return -1;
		}
		l->flags = (l->flags | f->set) & ~f->clear;
	}
	return 0;
}

/* Flags anywhere before "--" (GNU permutes); the rest are operands. */
static int
parse_args(struct listing *l, char *const *argv, size_t argc,
    const char **opv, size_t *nop, char *err, size_t errlen)
{
	size_t i;
	int dashdash = 0;

	*nop = 0;
	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			if (parse_word(l, argv[i], err, errlen) == -1)
				return -1;
		} else if (!l->cmd->operands) {
			snprintf(err, errlen, "%s: operands are not allowed",
			    l->cmd->name);
			return -1;
		} else if (*nop == LIST_MAXOPS) {
			snprintf(err, errlen, "%s: more than %d operands",
			    l->cmd->name, LIST_MAXOPS);
			return -1;
		} else
			opv[(*nop)++] = argv[i];
	}
	if (l->cmd->cmd == CMD_DU && (l->flags & F_SUM) &&
	    (l->flags & F_ALL)) {
		snprintf(err, errlen, "du: -s and -a cannot be used together");
		return -1;
	}
	return 0;
}

/* The reason an operand cannot be listed, from errno of confine_open. */
static void
refuse(const struct listing *l, const char *arg, int e, const char *what,
    char *err, size_t errlen)
{
	char nb[128];

	reason_name(arg, nb, sizeof(nb));
	if (e == EXDEV || e == ELOOP)
		snprintf(err, errlen, "%s: %s%s leading outside the directory",
		    l->cmd->name, nb, what);
	else
		snprintf(err, errlen, "%s: %s: %s", l->cmd->name, nb,
		    strerror(e));
}

/*
 * Pin one operand.  A symlink must resolve beneath DIRECTORY too (a
 * dangling one inside is listed as itself); ls without -l or -d lists a
 * symlink to a directory as the directory, as GNU ls does.
 */
static int
resolve(struct listing *l, const char *arg, struct operand *op, char *err,
    size_t errlen)
{
	char rel[PATH_MAX], why[PATH_MAX + 64];
	struct stat tst;
	int tfd, e;

	if (arg[0] == '\0') {
		snprintf(err, errlen, "%s: empty path", l->cmd->name);
		return -1;
	}
	if (confine_clean(arg, rel, sizeof(rel), why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", l->cmd->name, why);
		return -1;
	}
	op->fd = confine_open(l->rootfd, rel, O_PATH | O_NOFOLLOW, why,
	    sizeof(why));
	if (op->fd == -1 || fstat(op->fd, &op->st) == -1) {
		refuse(l, arg, errno, " is a path", err, errlen);
		return -1;
	}
	if (!S_ISLNK(op->st.st_mode))
		return 0;
	tfd = confine_open(l->rootfd, rel, O_PATH, why, sizeof(why));
	e = errno;
	if (tfd == -1 && (e == ENOENT || e == ENOTDIR))
		return 0;		/* dangling, but inside: shown as is */
	if (tfd == -1 || fstat(tfd, &tst) == -1) {
		refuse(l, arg, tfd == -1 ? e : errno, " is a symlink", err,
		    errlen);
		if (tfd != -1)
			close(tfd);
		return -1;
	}
	if (l->cmd->cmd == CMD_LS && S_ISDIR(tst.st_mode) &&
	    !(l->flags & (F_LONG | F_DIR))) {
		close(op->fd);
		op->fd = tfd;
		op->st = tst;
	} else
		close(tfd);
	return 0;
}

struct listing *
list_prepare(int rootfd, char *const *argv, size_t argc, char *err,
    size_t errlen)
{
	const char *opv[LIST_MAXOPS];
	struct listing *l;
	size_t i, nop;

	for (i = 0; argc > 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	if (argc == 0 || i == sizeof(cmds) / sizeof(cmds[0])) {
		snprintf(err, errlen, "not a listing command");
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->cmd = &cmds[i];
	l->rootfd = -1;
	if ((l->rootfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    fstat(l->rootfd, &l->rootst) == -1) {
		snprintf(err, errlen, "%s: directory: %s", l->cmd->name,
		    strerror(errno));
		goto fail;
	}
	if (parse_args(l, argv, argc, opv, &nop, err, errlen) == -1)
		goto fail;
	if (nop == 0 && l->cmd->operands)
		opv[nop++] = ".";
	if ((l->ops = calloc(nop == 0 ? 1 : nop, sizeof(*l->ops))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < nop; i++) {
		l->ops[i].fd = -1;
		l->nops++;
		if (resolve(l, opv[i], &l->ops[i], err, errlen) == -1)
			goto fail;
		if ((l->ops[i].name = strdup(opv[i])) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	return l;
fail:
	list_free(l);
	return NULL;
}

int
list_run(struct listing *l, int outfd, int errfd)
{
	struct sigaction ign, old;
	struct run *r;
	int status;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->dent = malloc(LIST_DENTBUF)) == NULL) {
		free(r);
		dprintf(errfd, "%s: memory exhausted\n", l->cmd->name);
		return 2;
	}
	r->l = l;
	r->prog = l->cmd->name;
	r->flags = l->flags;
	r->dfd = -1;
	list_out_init(&r->out, outfd, r->outbuf, sizeof(r->outbuf));
	list_out_init(&r->err, errfd, r->errbuf, sizeof(r->errbuf));
	clock_gettime(CLOCK_REALTIME, &r->now);
	/* a reader gone away is a write error (status 2), not a signal */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (l->cmd->cmd == CMD_LS)
		list_ls(r);
	else if (l->cmd->cmd == CMD_DU)
		list_du(r);
	else
		df_run(r);
	if (list_out_flush(&r->out) == -1 && r->out.err != EPIPE)
		list_problem(r, "write error", NULL, r->out.err, 2);
	sigaction(SIGPIPE, &old, NULL);
	status = r->out.err != 0 ? 2 : r->status;
	list_level_abort(r);
	while (r->lvcap > 0)
		free(r->lv[--r->lvcap].pend);
	free(r->lv);
	free(r->path);
	free(r->set.arena);
	free(r->set.v);
	free(r->set.st);
	free(r->seen);
	free(r->dent);
	free(r);
	return status;
}

void
list_free(struct listing *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nops; i++) {
		if (l->ops[i].fd != -1)
			close(l->ops[i].fd);
		free(l->ops[i].name);
	}
	if (l->rootfd != -1)
		close(l->rootfd);
	free(l->ops);
	free(l);
}
