/*
 * The built-in listings' argument grammar: GNU-style flag clusters before
 * "--" (flags anywhere, as GNU permutes), operands after.  Unknown flags
 * and long options are refused by name.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "listargs.h"

struct flagdef {
	char		 c;
	unsigned	 set;
	unsigned	 clear;
};

static const struct flagdef ls_flags[] = {
	{ 'a', LF_ALL, LF_ALMOST }, { 'A', LF_ALMOST, LF_ALL },
	{ 'l', LF_LONG, 0 }, { 'h', LF_HUMAN, 0 }, { 'R', LF_REC, 0 },
	{ 'd', LF_DIR, 0 }, { '1', 0, 0 }, { 't', LF_TIME, 0 },
	{ 'r', LF_REV, 0 }, { '\0', 0, 0 }
};
static const struct flagdef du_flags[] = {
	{ 's', LF_SUM, 0 }, { 'h', LF_HUMAN, 0 }, { 'k', 0, LF_HUMAN },
	{ 'a', LF_ALL, 0 }, { 'c', LF_TOTAL, 0 }, { '\0', 0, 0 }
};
static const struct flagdef df_flags[] = {
	{ 'h', LF_HUMAN, 0 }, { 'k', 0, LF_HUMAN }, { '\0', 0, 0 }
};

/* Indexed by enum list_cmd. */
static const struct {
	const char		*name;
	const struct flagdef	*flags;
	int			 operands;
} grammar[] = {
	{ "ls", ls_flags, 1 },
	{ "du", du_flags, 1 },
	{ "df", df_flags, 0 },
};

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
parse_word(struct list_req *req, const char *w, char *err, size_t errlen)
{
	const struct flagdef *f;
	char nb[80];
	const char *p;

	if (w[1] == '-') {
		snprintf(err, errlen, "%s: unknown option %s", req->name,
		    reason_name(w, nb, sizeof(nb)));
		if ((p = strchr(err, '=')) != NULL)
			err[p - err] = '\0';
		return -1;
	}
	for (p = w + 1; *p != '\0'; p++) {
		for (f = grammar[req->cmd].flags; f->c != '\0' && f->c != *p;
		    f++)
			;
		if (f->c == '\0') {
			nb[0] = *p;
			nb[1] = '\0';
			snprintf(err, errlen, "%s: unknown option -%s",
			    req->name, reason_name(nb, nb + 2, 8));
			return -1;
		}
		req->flags = (req->flags | f->set) & ~f->clear;
	}
	return 0;
}

static int
add_operand(struct list_req *req, const char *name, char *err,
    size_t errlen)
{
	struct list_operand *op = &req->ops[req->nops];

	if (req->nops == LIST_MAXOPS) {
		snprintf(err, errlen, "%s: more than %d operands", req->name,
		    LIST_MAXOPS);
		return -1;
	}
	if ((op->name = strdup(name)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	op->fd = -1;
	req->nops++;
	return 0;
}

/* Flags anywhere before "--" (GNU permutes); the rest are operands. */
static int
parse_args(struct list_req *req, char *const *argv, size_t argc, char *err,
    size_t errlen)
{
	size_t i;
	int dashdash = 0;

	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			if (parse_word(req, argv[i], err, errlen) == -1)
				return -1;
		} else if (!grammar[req->cmd].operands) {
			snprintf(err, errlen, "%s: operands are not allowed",
			    req->name);
			return -1;
		} else if (add_operand(req, argv[i], err, errlen) == -1)
			return -1;
	}
	if (req->cmd == LC_DU && (req->flags & LF_SUM) &&
	    (req->flags & LF_ALL)) {
		snprintf(err, errlen, "du: -s and -a cannot be used together");
		return -1;
	}
	if (req->nops == 0 && grammar[req->cmd].operands)
		return add_operand(req, ".", err, errlen);
	return 0;
}

int
list_parse(int cmd, char *const *argv, size_t argc, struct list_req *req,
    char *err, size_t errlen)
{
	memset(req, 0, sizeof(*req));
	if (cmd < LC_LS || cmd > LC_DF) {
		snprintf(err, errlen, "not a listing command");
		return -1;
	}
	req->cmd = cmd;
	req->name = grammar[cmd].name;
	if ((req->ops = calloc(LIST_MAXOPS, sizeof(*req->ops))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (parse_args(req, argv, argc, err, errlen) == -1) {
		list_req_free(req);
		return -1;
	}
	return 0;
}

/* The reason an operand cannot be listed, from errno of confine_open. */
static void
refuse(const struct list_req *req, const char *arg, int e, const char *what,
    char *err, size_t errlen)
{
	char nb[128];

	reason_name(arg, nb, sizeof(nb));
	if (e == EXDEV || e == ELOOP)
		snprintf(err, errlen, "%s: %s%s leading outside the directory",
		    req->name, nb, what);
	else
		snprintf(err, errlen, "%s: %s: %s", req->name, nb,
		    strerror(e));
}

/* Where a symlink operand leads: it must stay beneath DIRECTORY. */
static int
pin_link(int rootfd, const struct list_req *req, const char *rel,
    struct list_operand *op, char *err, size_t errlen)
{
	char why[PATH_MAX + 64];
	struct stat tst;
	int tfd, e;

	tfd = confine_open(rootfd, rel, O_PATH, why, sizeof(why));
	e = errno;
	if (tfd == -1 && (e == ENOENT || e == ENOTDIR))
		return 0;		/* dangling, but inside: shown as is */
	if (tfd == -1 || fstat(tfd, &tst) == -1) {
		refuse(req, op->name, tfd == -1 ? e : errno, " is a symlink",
		    err, errlen);
		if (tfd != -1)
			close(tfd);
		return -1;
	}
	if (req->cmd == LC_LS && S_ISDIR(tst.st_mode) &&
	    !(req->flags & (LF_LONG | LF_DIR))) {
		close(op->fd);
		op->fd = tfd;
		op->st = tst;
	} else
		close(tfd);
	return 0;
}

static int
pin_one(int rootfd, const struct list_req *req, struct list_operand *op,
    char *err, size_t errlen)
{
	char rel[PATH_MAX], why[PATH_MAX + 64];

	if (op->name[0] == '\0') {
		snprintf(err, errlen, "%s: empty path", req->name);
		return -1;
	}
	if (confine_clean_home(op->name, rel, sizeof(rel), why, sizeof(why)) ==
	    -1) {
		snprintf(err, errlen, "%s: %s", req->name, why);
		return -1;
	}
	op->fd = confine_open(rootfd, rel, O_PATH | O_NOFOLLOW, why,
	    sizeof(why));
	/* Missing beneath DIRECTORY: nothing outside is named or shown. */
	if (op->fd == -1 && (errno == ENOENT || errno == ENOTDIR)) {
		op->missing = errno;
		return 0;
	}
	if (op->fd == -1 || fstat(op->fd, &op->st) == -1) {
		refuse(req, op->name, errno, " is a path", err, errlen);
		return -1;
	}
	if (!S_ISLNK(op->st.st_mode))
		return 0;
	return pin_link(rootfd, req, rel, op, err, errlen);
}

int
list_pin(int rootfd, struct list_req *req, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < req->nops; i++)
		if (pin_one(rootfd, req, &req->ops[i], err, errlen) == -1)
			return -1;
	return 0;
}

void
list_req_free(struct list_req *req)
{
	size_t i;

	if (req->ops != NULL)
		for (i = 0; i < req->nops; i++) {
			if (req->ops[i].fd != -1)
				close(req->ops[i].fd);
			free(req->ops[i].name);
		}
	free(req->ops);
	memset(req, 0, sizeof(*req));
}
