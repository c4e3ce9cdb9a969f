#ifndef RSHELL_PASSWD_H
#define RSHELL_PASSWD_H

#include <sys/types.h>

#include <pwd.h>

/*
 * The account's entry: from the password file itself when the name
 * service switch reads that file first and the file is plain up to the
 * account's line, else from getpwuid().  NULL: no such account.  The
 * entry stays valid until the next call.
 */
struct passwd	*passwd_lookup(uid_t uid);

/*
 * The file reader alone, on named files (the tests' and fuzzers' way in):
 * 1 with *pw filled (its strings point into *buf, which the caller frees),
 * or 0 when the reader cannot be sure of what the name service would
 * answer and getpwuid() must be asked.
 */
int	passwd_files(const char *nsswitch, const char *passwd, uid_t uid,
	    struct passwd *pw, char **buf);

/* What nsswitch.conf says of db ("passwd", "group"): 1 plain "files"
   first, else 0. */
int	passwd_files_first(const char *text, size_t len, const char *db);

/*
 * The first line of text for uid, parsed strictly, into *pw (strings in
 * place, text modified): 1; or 0, when a line up to that one is not plain
 * or none is for uid (*pw then holds nothing to use).
 */
int	passwd_scan(char *text, size_t len, uid_t uid, struct passwd *pw);

/*
 * The name of group gid, from the group file where nsswitch.conf reads it
 * first, else from getgrgid(); NULL: no such group.  Valid until the next
 * call.
 */
const char	*group_lookup_name(gid_t gid);

/* The group file's reader alone, as passwd_scan(): 1 with *name, or 0. */
int	group_scan(char *text, size_t len, gid_t gid, char **name);

#endif
