/*
 * rshell -t's look at sshd: what sshd would do for the account, from
 * "sshd -T -C user=NAME,host=,addr=" (Match blocks on user and group are
 * applied; an empty host and address match no Host or Address block).
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"

#define SSHD_MAXOUT	(256 * 1024)

/* The forwarding keywords that must say "no" unless disableforwarding. */
static const char *const forwarding[] = {
	"allowtcpforwarding", "allowstreamlocalforwarding",
	"allowagentforwarding", "x11forwarding", "permittunnel",
};

/* What rshell trusts from the environment sshd sets. */
static const char *const sshvars[] = {
	"SSH_ORIGINAL_COMMAND", "SSH_CONNECTION",
};

static void
one(struct audit *c, const char *user, const char *kw, const char *val,
    int nofwd)
{
	size_t i;

	/* A key without command= gets sftp as the account; rshell never runs. */
	if (strcmp(kw, "subsystem") == 0 && strstr(val, "internal-sftp"))
		audit_report(c, 0, 0, "sshd for %s: Subsystem %s: a key "
		    "without command= gets sftp as the account, and rshell "
		    "never runs (use ForceCommand or drop the subsystem)",
		    user, val);
	if (strcmp(kw, "permituserenvironment") == 0 && strcmp(val, "no"))
		audit_report(c, 0, 0, "sshd for %s: PermitUserEnvironment %s "
		    "lets the account set the environment rshell trusts",
		    user, val);
	for (i = 0; strcmp(kw, "acceptenv") == 0 &&
	    i < sizeof(sshvars) / sizeof(sshvars[0]); i++)
		if (fnmatch(val, sshvars[i], 0) == 0)
			audit_report(c, 0, 0, "sshd for %s: AcceptEnv %s lets "
			    "the client set %s", user, val, sshvars[i]);
	for (i = 0; !nofwd && i < sizeof(forwarding) / sizeof(forwarding[0]);
	    i++)
		if (strcmp(kw, forwarding[i]) == 0 && strcmp(val, "no") != 0)
			audit_report(c, 0, 0, "sshd for %s: %s %s: forwarding "
			    "through the account is not disabled (set "
			    "DisableForwarding yes, or restrict on every key)",
			    user, kw, val);
}

void
audit_sshd_text(struct audit *c, const char *user, const char *text)
{
	char *copy, *line, *save = NULL, *sp;
	int nofwd;

	nofwd = strstr(text, "\ndisableforwarding yes\n") != NULL ||
	    strncmp(text, "disableforwarding yes\n", 22) == 0;
	if ((copy = strdup(text)) == NULL)
		return;
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		one(c, user, line, sp + 1, nofwd);
	}
	free(copy);
}

/* sshd's output, NUL-terminated, or NULL; *status its exit status. */
static char *
run_sshd(const struct audit *c, const char *spec, int *status)
{
	char *argv[] = { "sshd", "-T", "-C", (char *)spec, NULL, NULL, NULL };
	char *buf;
	size_t len = 0;
	ssize_t r;
	int pfd[2];
	pid_t pid;

	if (c->sshd_config != NULL) {
		argv[4] = "-f";
		argv[5] = (char *)c->sshd_config;
	}
	if ((buf = malloc(SSHD_MAXOUT + 1)) == NULL || pipe2(pfd,
	    O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		free(buf);
		return NULL;
	}
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execve(AUDIT_SSHD, argv, (char *[]){ "PATH=/usr/bin:/bin",
		    NULL });
		_exit(127);
	}
	close(pfd[1]);
	while (len < SSHD_MAXOUT && (r = read(pfd[0], buf + len,
	    SSHD_MAXOUT - len)) > 0)
		len += (size_t)r;
	close(pfd[0]);
	buf[len] = '\0';
	if (waitpid(pid, status, 0) == -1)
		*status = -1;
	return buf;
}

void
audit_sshd(struct audit *c, const char *user)
{
	char spec[128], *out, *nl;
	int status;

	if ((size_t)snprintf(spec, sizeof(spec), "user=%s,host=,addr=",
	    user) >= sizeof(spec) || (out = run_sshd(c, spec, &status)) ==
	    NULL) {
		audit_report(c, 0, 0, "sshd for %s: could not be asked", user);
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if ((nl = strchr(out, '\n')) != NULL)
			*nl = '\0';
		audit_report(c, 0, 0, "sshd for %s: \"sshd -T\" failed (%s): "
		    "its settings are not checked", user, out);
	} else
		audit_sshd_text(c, user, out);
	free(out);
}
