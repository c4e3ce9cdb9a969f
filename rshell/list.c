/*
 * The read-only listings built into rshell: ls, du and df, answered by
 * rshell itself (never /bin/ls), with output close enough to GNU coreutils
 * in the C locale that awk and cut scripts written against it keep working.
 *
 * Confinement.  Every operand was resolved by the decision (list_pin in
 * policy/listargs.c, with the resolver the rsync paths use) and comes
 * pinned as a descriptor; a symlink given as an operand must resolve
 * beneath DIRECTORY as well.  Everything
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
 * This file holds the entry point and df; the walk is list_walk.c, ls and du
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

#include "list.h"
#include "list_fmt.h"

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
	const char **hdr = (r->flags & LF_HUMAN) ? hh : hk;
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
		if (r->flags & LF_HUMAN)
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

int
list_run(const struct list_req *req, int rootfd, int outfd, int errfd)
{
	struct sigaction ign, old;
	struct listing listing, *l = &listing;
	struct run *r;
	int status;

	l->cmd = req->cmd;
	l->flags = req->flags;
	l->rootfd = rootfd;
	l->nops = req->nops;
	l->ops = req->ops;
	if (fstat(rootfd, &l->rootst) == -1) {
		dprintf(errfd, "%s: directory: %s\n", req->name,
		    strerror(errno));
		return 2;
	}
	if (list_stop_arm(outfd, errfd) == -1) {
		dprintf(errfd, "%s: /dev/null: %s\n", req->name,
		    strerror(errno));
		return 2;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->dent = malloc(LIST_DENTBUF)) == NULL) {
		free(r);
		list_stop_disarm();
		dprintf(errfd, "%s: memory exhausted\n", req->name);
		return 2;
	}
	r->l = l;
	r->prog = req->name;
	r->flags = l->flags;
	r->dfd = -1;
	list_out_init(&r->out, outfd, r->outbuf, sizeof(r->outbuf));
	list_out_init(&r->err, errfd, r->errbuf, sizeof(r->errbuf));
	clock_gettime(CLOCK_REALTIME, &r->now);
	/* a reader gone away is a write error (status 2), not a signal */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (l->cmd == LC_LS)
		list_ls(r);
	else if (l->cmd == LC_DU)
		list_du(r);
	else
		df_run(r);
	if (list_out_flush(&r->out) == -1 && r->out.err != EPIPE)
		list_problem(r, "write error", NULL, r->out.err, 2);
	sigaction(SIGPIPE, &old, NULL);
	list_stop_disarm();
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
