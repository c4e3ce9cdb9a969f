/*
 * Splitting of the -c string into words, the way a POSIX shell would split
 * it, but with no expansion of any kind.
 *
 * The rule that drives every refusal below: a string is accepted only when
 * sh(1) would turn it into exactly the same words without expanding,
 * redirecting, chaining or dropping anything.  Whatever sh would treat
 * specially and we cannot reproduce faithfully is refused, never guessed at,
 * so the argv that the policy checks is the argv the client meant, and a
 * client cannot smuggle a second command (`;`, `|`, `&`), a redirection
 * (`<`, `>`), a subshell (`(`, `)`) or a substitution (`$`, backquote) past
 * the checker by relying on a different reading of the same bytes.
 *
 * Accepted:
 *	blanks (space, tab) outside quotes separate words;
 *	'...' is literal up to the next single quote;
 *	"..." is literal except \\ \" \$ \` (a backslash before any other
 *	byte stays, followed by that byte, as in sh);
 *	outside quotes a backslash makes the next byte literal;
 *	'' and "" make an empty word;
 *	glob characters * ? [ ] and { } ! = are ordinary (wildcards are
 *	expanded later, by rshell, inside the confinement directory);
 *	an unquoted ~ alone or before '/' ("host:~/dir/" arrives so) is kept
 *	literally: sh would expand it to the account's home, and for rshell
 *	that is DIRECTORY, which the policy maps it to where it names a path;
 *	bytes 0x80-0xff (UTF-8) are ordinary.
 *
 * Refused, with the byte offset of the culprit:
 *	any control byte (0x01-0x1f, 0x7f), quoted or not, escaped or not:
 *	a newline would end the command in sh, and CR/ESC/DEL in a path are
 *	only good for forging logs and terminals.  The one exception is tab:
 *	it is a blank to sh, so an unquoted tab separates words; a tab
 *	inside quotes or after a backslash is a control byte in a word and
 *	is refused like the others;
 *	unquoted ; | & < > ( ) $ and backquote, and $ or backquote unescaped
 *	inside double quotes;
 *	a word starting with an unquoted ~ followed by anything but '/'
 *	or the end of the word (sh would expand ~name to another account's
 *	home directory), or with an unquoted # (sh would drop the rest as a
 *	comment);
 *	an unterminated quote, a trailing lone backslash;
 *	more than WORDS_MAXWORDS words or WORDS_MAXLEN bytes.
 *
 * The string is scanned twice by the same code: the first pass validates
 * and counts, the second fills one allocation holding the NULL-terminated
 * pointer vector followed by the word bytes, so an error never leaves
 * anything allocated and words_free() is a single free().  The allocation
 * is bounded: at most WORDS_MAXWORDS + 1 pointers, and at most strlen + 1
 * bytes, since no word is longer than its source text and its NUL takes
 * the place of the blank (or the final NUL) that ends it.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

struct scan {
	const char	 *s;	/* the whole -c string */
	size_t		  i;	/* offset of the next byte to read */
	char		**v;	/* word pointers, NULL when only counting */
	char		 *out;	/* word bytes, NULL when only counting */
	size_t		  o;	/* bytes of out used (or counted) */
	size_t		  n;	/* words so far */
	char		 *err;
	size_t		  errlen;
};

static int	fail(struct scan *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));

static int
fail(struct scan *sc, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (sc->err == NULL || sc->errlen == 0)
		return -1;
	va_start(ap, fmt);
	r = vsnprintf(sc->err, sc->errlen, fmt, ap);
	va_end(ap);
	/* A reason cut short by a small buffer is still a reason. */
	if (r < 0)
		strlcpy(sc->err, "malformed command", sc->errlen);
	return -1;
}

static int
iscontrol(unsigned char c)
{
	return (c >= 0x01 && c <= 0x1f) || c == 0x7f;
}

static int
isblank_sh(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static void
put(struct scan *sc, char c)
{
	if (sc->out != NULL)
		sc->out[sc->o] = c;
	sc->o++;
}

static int
control(struct scan *sc, size_t at)
{
	return fail(sc, "control byte 0x%02x at offset %zu is not allowed",
	    (unsigned char)sc->s[at], at);
}

/* '...': everything literal up to the next single quote. */
static int
squote(struct scan *sc)
{
	size_t open = sc->i++;
	unsigned char c;

	for (;;) {
		c = sc->s[sc->i];
		if (c == '\0')
			return fail(sc, "unterminated single quote (') "
			    "opened at offset %zu", open);
		if (iscontrol(c))
			return control(sc, sc->i);
		sc->i++;
		if (c == '\'')
			return 0;
		put(sc, c);
	}
}

/* "...": literal but for \\ \" \$ \`; a bare $ or ` would expand in sh. */
static int
dquote(struct scan *sc)
{
	size_t open = sc->i++;
	unsigned char c, d;

	for (;;) {
		c = sc->s[sc->i];
		if (c == '\0')
			return fail(sc, "unterminated double quote (\") "
			    "opened at offset %zu", open);
		if (iscontrol(c))
			return control(sc, sc->i);
		if (c == '$' || c == '`')
			return fail(sc, "'%c' inside double quotes at offset "
			    "%zu is not allowed: nothing is expanded", c,
			    sc->i);
		sc->i++;
		if (c == '"')
			return 0;
		if (c == '\\') {
			d = sc->s[sc->i];
			if (d == '\\' || d == '"' || d == '$' || d == '`') {
				c = d;
				sc->i++;
			}
			/* Otherwise the backslash itself is kept. */
		}
		put(sc, c);
	}
}

/* Outside quotes a backslash makes the next byte literal. */
static int
escape(struct scan *sc)
{
	unsigned char c = sc->s[sc->i + 1];

	if (c == '\0')
		return fail(sc, "trailing backslash (\\) at offset %zu "
		    "escapes nothing", sc->i);
	if (iscontrol(c))
		return control(sc, sc->i + 1);
	put(sc, c);
	sc->i += 2;
	return 0;
}

/*
 * An unquoted "~" that sh would expand to the account's home: alone, or
 * before an unquoted '/'.  It is kept as it is; the policy gives it its
 * meaning (DIRECTORY) where it names a path.
 */
static int
tilde_alone(unsigned char next)
{
	return next == '\0' || next == '/' || isblank_sh(next);
}

/* Checks that the word starting at sc->i may start at all. */
static int
wordstart(struct scan *sc)
{
	unsigned char c = sc->s[sc->i];

	if (c == '~' && !tilde_alone(sc->s[sc->i + 1]))
		return fail(sc, "word starting with '~' and a name at offset "
		    "%zu is not allowed: another account's home is never "
		    "reachable", sc->i);
	if (c == '#')
		return fail(sc, "word starting with '#' at offset %zu is not "
		    "allowed: comments are not allowed", sc->i);
	if (sc->n >= WORDS_MAXWORDS)
		return fail(sc, "more than %d words", WORDS_MAXWORDS);
	return 0;
}

static int
word(struct scan *sc)
{
	unsigned char c;
	int r;

	if (wordstart(sc) == -1)
		return -1;
	if (sc->v != NULL)
		sc->v[sc->n] = sc->out + sc->o;
	while ((c = sc->s[sc->i]) != '\0' && !isblank_sh(c)) {
		if (iscontrol(c))
			return control(sc, sc->i);
		switch (c) {
		case '\'':
			r = squote(sc);
			break;
		case '"':
			r = dquote(sc);
			break;
		case '\\':
			r = escape(sc);
			break;
		case ';': case '|': case '&': case '<': case '>':
		case '(': case ')': case '$': case '`':
			return fail(sc, "unquoted '%c' at offset %zu is not "
			    "allowed", c, sc->i);
		default:
			put(sc, c);
			sc->i++;
			r = 0;
			break;
		}
		if (r == -1)
			return -1;
	}
	put(sc, '\0');
	sc->n++;
	return 0;
}

static int
scan(struct scan *sc)
{
	for (;;) {
		while (isblank_sh((unsigned char)sc->s[sc->i]))
			sc->i++;
		if (sc->s[sc->i] == '\0')
			break;
		if (word(sc) == -1)
			return -1;
	}
	if (sc->v != NULL)
		sc->v[sc->n] = NULL;
	return 0;
}

int
words_split(const char *s, struct words *w, char *err, size_t errlen)
{
	struct scan sc;
	size_t vlen;
	char **v;

	w->v = NULL;
	w->n = 0;
	memset(&sc, 0, sizeof(sc));
	sc.err = err;
	sc.errlen = errlen;
	if (s == NULL)
		return fail(&sc, "no command");
	if (strnlen(s, WORDS_MAXLEN + 1) > WORDS_MAXLEN)
		return fail(&sc, "command longer than %d bytes", WORDS_MAXLEN);
	sc.s = s;

	/* First pass: validate, count words and bytes. */
	if (scan(&sc) == -1)
		return -1;

	/* Bounded by WORDS_MAXWORDS and WORDS_MAXLEN: cannot overflow. */
	vlen = (sc.n + 1) * sizeof(*v);
	if ((v = malloc(vlen + sc.o)) == NULL)
		return fail(&sc, "out of memory");

	/* Second pass over the same bytes: fill, cannot fail differently. */
	sc.i = 0;
	sc.o = 0;
	sc.n = 0;
	sc.v = v;
	sc.out = (char *)v + vlen;
	if (scan(&sc) == -1) {
		free(v);
		return -1;
	}
	w->v = v;
	w->n = sc.n;
	return 0;
}

void
words_free(struct words *w)
{
	if (w == NULL)
		return;
	free(w->v);
	w->v = NULL;
	w->n = 0;
}
