#ifndef RSHELL_PASSWD_H
#define RSHELL_PASSWD_H

#include <sys/types.h>

#include <grp.h>
#include <pwd.h>
#include <stddef.h>

/*
 * The account database without the name service in rshell's process
 * (passwd.c says why): each entry from the file itself where nsswitch.conf
 * reads that file first and the file is plain up to the entry, else from
 * getent(1) in a child.
 */

/* The entry for uid, or for name; NULL: no such account.  The entry stays
   valid until the next call of either. */
struct passwd	*passwd_lookup(uid_t uid);
struct passwd	*passwd_lookup_name(const char *name);

/* The name of group gid; NULL: no such group.  Valid until the next
   call. */
const char	*group_lookup_name(gid_t gid);

/* Group name, as getgrnam(); valid until the next call. */
struct group	*group_lookup(const char *name);

/*
 * The names of user's groups, as getgrouplist() and getgrgid() would give
 * them (gid, the primary group, first), into names (the caller frees
 * each); the count.  From the group file where nsswitch.conf names it
 * alone for group (no other service, no initgroups line), else from
 * getent initgroups.  0: none known.
 */
size_t	groups_lookup(const char *user, gid_t gid, char **names, size_t max);

/* The same as gids: 0 with *n, or -1. */
int	groups_gids(const char *user, gid_t gid, gid_t *gids, size_t *n,
	    size_t max);

/* fn on every account getent passwd lists, until it returns non-zero
   (that value), 0 at the end, or -1 when getent cannot be asked. */
int	passwd_each(int (*fn)(struct passwd *, void *), void *arg);

/*
 * The parts, on named files and programs (the tests' and fuzzers' way
 * in).  passwd_files(): 1 with *pw filled (its strings point into *buf,
 * which the caller frees), or 0 when the reader cannot be sure of what
 * the name service would answer.  passwd_getent(): the same from getent
 * at path getent, for name (or, name NULL, uid).
 */
int	passwd_files(const char *nsswitch, const char *passwd, uid_t uid,
	    struct passwd *pw, char **buf);
int	passwd_getent(const char *getent, const char *name, uid_t uid,
	    struct passwd *pw, char **buf);
size_t	groups_lookup_at(const char *getent, const char *nsswitch,
	    const char *group, const char *user, gid_t gid, char **names,
	    size_t max);

/*
 * getgrouplist() from the text of a group file: gid first, then each group
 * that lists user, once each, into gids: 0 with *n; -1 when a line is not
 * plain (text is modified).  groups_reply(): the same from the reply of
 * "getent initgroups USER" ("USER gid gid ...\n"), -1 for any other text.
 */
int	groups_scan(char *text, size_t len, const char *user, gid_t gid,
	    gid_t *gids, size_t *n, size_t max);
int	groups_reply(const char *text, const char *user, gid_t gid,
	    gid_t *gids, size_t *n, size_t max);

/* What nsswitch.conf says of db ("passwd", "group"): 1 plain "files"
   first, else 0. */
int	passwd_files_first(const char *text, size_t len, const char *db);

/*
 * The first line of text for uid, parsed strictly, into *pw (strings in
 * place, text modified): 1; or 0, when a line up to that one is not plain
 * or none is for uid (*pw then holds nothing to use).
 */
int	passwd_scan(char *text, size_t len, uid_t uid, struct passwd *pw);

/* The group file's reader alone, as passwd_scan(): 1 with *name, or 0. */
int	group_scan(char *text, size_t len, gid_t gid, char **name);

#endif
