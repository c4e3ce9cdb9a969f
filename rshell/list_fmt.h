/*
 * Internals of the built-in listings, shared by list.c (the request and
 * df), list_walk.c (the directory walk of ls and du), list_ls.c,
 * list_du.c and list_fmt.c (output, formats, diagnostics).  Not an
 * interface: list.h is.
 */
#ifndef RSHELL_LIST_FMT_H
#define RSHELL_LIST_FMT_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "listargs.h"

#define LIST_NUMLEN	32	/* any formatted number or size, with NUL */
#define LIST_TIMELEN	32	/* "Nov 27 10:01", "Nov 27  2025" */
#define LIST_IDLEN	256	/* a user or group name, with NUL */
#define LIST_IDSLOTS	8	/* remembered uid and gid lookups each */
#define LIST_OUTBUF	(32 * 1024)
#define LIST_ERRBUF	1024
#define LIST_SEEN_MAX	65536	/* hard-linked inodes remembered by du */
#define LIST_DENTBUF	(32 * 1024)	/* getdents64 buffer */

/* Buffered output to a descriptor; after a failed write, output stops. */
struct listout {
	int	 fd;
	int	 err;		/* errno of the first failed write, or 0 */
	size_t	 len;
	size_t	 cap;
	char	*buf;
};

/* Remembered uid or gid lookups, for the owner and group columns. */
struct listid {
	unsigned int	 id;
	int		 used;
	int		 numeric;	/* no name: the number, right-aligned */
	char		 name[LIST_IDLEN];
};

struct listids {
	struct listid	 user[LIST_IDSLOTS];
	struct listid	 group[LIST_IDSLOTS];
	unsigned int	 nextuser;
	unsigned int	 nextgroup;
};

/* What list_run lists: a checked request, beneath DIRECTORY. */
struct listing {
	int				 cmd;	/* enum list_cmd */
	unsigned int			 flags;	/* LF_* */
	int				 rootfd;
	struct stat			 rootst;
	size_t				 nops;
	const struct list_operand	*ops;
};

/* One directory entry of an ls listing; the name lives in the arena. */
struct ent {
	uint32_t	 name;
	uint32_t	 st;		/* index in the stat array */
	unsigned char	 isdir;
};

/* The fields of struct stat that ls shows or sorts by. */
struct est {
	int64_t		 size;
	int64_t		 blocks;
	int64_t		 mtime;
	uint64_t	 nlink;
	uint64_t	 rdev;
	uint32_t	 mtime_ns;
	uint32_t	 mode;
	uint32_t	 uid;
	uint32_t	 gid;
};

/*
 * The entries of one listing (a directory, or the operands): names packed
 * in one arena, no allocation per entry.  The stat array is filled with
 * -l or -t; for operands it holds every operand, directories too, in
 * operand order.
 */
struct eset {
	char		*arena;
	size_t		 alen, acap;
	struct ent	*v;
	size_t		 n, cap;
	struct est	*st;
	size_t		 stn, stcap;
};

/* One directory of the path being walked. */
struct level {
	int		 fd;		/* -1 while closed for the budget */
	dev_t		 dev;
	ino_t		 ino;
	size_t		 pathlen;
	off_t		 resume;	/* du: getdents position to go on */
	uint64_t	 bytes;		/* du: usage below this level */
	char		*pend;		/* ls -R: subdirectories to visit */
	size_t		 pendlen, pendpos, pendcap;
};

struct devino {
	dev_t		 dev;
	ino_t		 ino;
};

struct dent64 {
	uint64_t	 ino;
	int64_t		 off;
	unsigned short	 reclen;
	unsigned char	 type;
	char		 name[];
};

/* The state of one list_run. */
struct run {
	struct listing	*l;
	const char	*prog;
	unsigned int	 flags;
	int		 status;
	int		 fatal;
	struct listout	 out, err;
	struct timespec	 now;
	struct listids	 ids;
	char		*dent;		/* getdents64 buffer */
	size_t		 dlen, dpos;
	int		 dfd;
	struct level	*lv;		/* traversal stack */
	size_t		 depth, lvcap, lo; /* lv[lo..depth-1] have an fd */
	dev_t		 refdev;
	char		*path;
	size_t		 pathlen, pathcap;
	struct eset	 set;
	int		 first, dirnames;
	struct devino	*seen;		/* du: open-addressed set */
	size_t		 nseen, seencap;
	uint64_t	 grand;
	char		 outbuf[LIST_OUTBUF];
	char		 errbuf[LIST_ERRBUF];
};

void	 list_out_init(struct listout *, int, char *, size_t);
void	 list_out_mem(struct listout *, const void *, size_t);
void	 list_out_str(struct listout *, const char *);
void	 list_out_pad(struct listout *, const char *, size_t, int);
void	 list_out_name(struct listout *, const char *);
int	 list_out_flush(struct listout *);
int	 list_stop_arm(int, int);
void	 list_stop_disarm(void);
void	 list_warn(struct listout *, const char *, const char *,
	    const char *, int);

void	 list_fmt_human(uint64_t, char *, size_t);
void	 list_fmt_kib(uint64_t, char *, size_t);
void	 list_fmt_mode(mode_t, char *, size_t);
void	 list_fmt_time(const struct timespec *, struct timespec *, char *,
	    size_t);
const char *list_fmt_user(struct listids *, uid_t, int *);
const char *list_fmt_group(struct listids *, gid_t, int *);
void	 list_widen(size_t *, const char *);

void	 list_problem(struct run *, const char *, const char *, int, int);
void	 list_nomem(struct run *);

int	 list_isdots(const char *);
void	 list_dir_start(struct run *, int);
int	 list_dir_next(struct run *, struct dent64 **);
size_t	 list_path_push(struct run *, const char *);
void	 list_path_set(struct run *, size_t);
int	 list_level_push(struct run *, int, const struct stat *);
void	 list_level_abort(struct run *);
int	 list_level_pop(struct run *);
int	 list_descend(struct run *, const char *, const char *,
	    struct stat *);

void	 list_ls(struct run *);
void	 list_du(struct run *);

#endif
