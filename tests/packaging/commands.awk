# The external commands a shell script runs, one a line: the words in
# command position, found by reading the script as the shell would, roughly.
# Text in quotes and here-documents is skipped, except command
# substitutions inside double quotes; words after "exec", "timeout" and
# "xargs" are commands too; "command -v NAME" is a question, not a run.
# Builtins, keywords, functions and relative paths are sorted out by the
# caller (tests/packaging/commands-test.sh), which knows the shell.
#
# The scanner keeps a stack of what it is inside: C (code), D (double
# quotes), S (single quotes), P (a ${...} expansion) and A (arithmetic),
# across lines, and writes the code it keeps, with the operators spaced
# out, to one stream that is then read word by word.

function push(m) { stk[++sp] = m; depth[sp] = 0 }
function pop() { if (sp > 1) sp-- }
function emit(s) { code = code s }

function scan(line,    i, c, n, m, rest, w)
{
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		m = stk[sp]
		if (m == "S") {
			if (c == "'")
				pop()
			continue
		}
		if (m == "P") {
			if (c == "{")
				depth[sp]++
			else if (c == "}" && depth[sp]-- == 0)
				pop()
			continue
		}
		if (m == "A") {
			if (c == "(")
				depth[sp]++
			else if (c == ")" && depth[sp]-- == 0) {
				pop()
				i++		# the second ")"
			}
			continue
		}
		if (m == "D") {
			if (c == "\\") {
				i++
			} else if (c == "\"") {
				pop()
				emit("_")
			} else if (substr(line, i, 3) == "$((") {
				push("A")
				i += 2
			} else if (substr(line, i, 2) == "$(") {
				push("C")
				emit(" ; ")
				i++
			} else if (substr(line, i, 2) == "${") {
				push("P")
				i++
			}
			continue
		}
		# code
		if (c == "\\" && i == n) {	# the line goes on
			return
		} else if (c == "\\") {
			i++
			emit("_")
		} else if (c == "'") {
			push("S")
			emit("_")
		} else if (c == "\"") {
			push("D")
		} else if (c == "#" && (i == 1 || substr(line, i - 1, 1) ~ /[ \t;(]/)) {
			break
		} else if (substr(line, i, 3) == "$((") {
			push("A")
			emit("_")
			i += 2
		} else if (substr(line, i, 2) == "$(") {
			push("C")
			emit(" ; ")
			i++
		} else if (substr(line, i, 2) == "${") {
			push("P")
			emit("_")
			i++
		} else if (c == "(") {
			depth[sp]++
			emit(" ( ")
		} else if (c == ")") {
			if (depth[sp] > 0) {
				depth[sp]--
				emit(" ) ")
			} else if (sp > 1) {
				pop()
				emit(" ; ")
			} else
				emit(" ) ")
		} else if (substr(line, i, 2) == ";;") {
			emit(" ;; ")
			i++
		} else if (c == ";" || c == "|") {
			emit(" " c " ")
		} else if (c == "&") {
			# >&2 and <&0 are redirections, not separators
			if (i > 1 && substr(line, i - 1, 1) ~ /[<>]/)
				emit(c)
			else
				emit(" & ")
		} else if (substr(line, i, 2) == "<<" && substr(line, i, 3) != "<<<") {
			rest = substr(line, i + 2)
			sub(/^-/, "", rest)
			sub(/^[ \t]*/, "", rest)
			if (match(rest, /^['"]?[A-Za-z_][A-Za-z0-9_]*/)) {
				w = substr(rest, RSTART, RLENGTH)
				gsub(/['"]/, "", w)
				heredoc = w
			}
			emit(" <<")
			i++
		} else
			emit(c)
	}
	if (stk[sp] == "C")	# a new line inside quotes separates nothing
		emit(" \n ")
}

BEGIN { sp = 1; stk[1] = "C"; depth[1] = 0; heredoc = ""; inbody = "" }

{
	if (inbody != "") {
		w = $0
		sub(/^\t*/, "", w)
		if (w == inbody)
			inbody = ""
		next
	}
	scan($0)
	if (heredoc != "") {
		inbody = heredoc
		heredoc = ""
	}
}

function out(w)
{
	if (w ~ /^[A-Za-z][A-Za-z0-9._+-]*$/ || w ~ /^\/[A-Za-z0-9._\/+-]+$/)
		print w
}

# "for c in A B C; do command -v "$c" ...": the script checks that it has
# A, B and C before it runs them.  Prints them; returns whether it was that.
function forcheck(k,    j, e, d)
{
	if (word[k + 2] != "in")
		return 0
	for (j = k + 3; j <= nw && word[j] != ";" && word[j] != "\n"; j++)
		;
	e = j
	for (j++; j <= nw && (word[j] == "\n" || word[j] == ""); j++)
		;
	if (word[j] != "do")
		return 0
	for (j++; j <= nw && (word[j] == "\n" || word[j] == ""); j++)
		;
	if (word[j] != "command" || word[j + 1] != "-v")
		return 0
	for (d = k + 3; d < e; d++)
		out(word[d])
	return 1
}

END {
	nw = split(code, word, /[ \t]+/)
	pos = 1		# the next word is in command position
	skip = ""	# what the next words are, when not commands
	incase = 0	# case statements open
	pat = 0		# reading a case pattern, up to its ")"
	for (k = 1; k <= nw; k++) {
		w = word[k]
		if (w == "")
			continue
		if (decl && (w == "(" || w == ")"))	# local a=() b
			continue
		if (w == "\n" || w == ";")
			decl = 0
		if (w == "\n" || w == ";" || w == "|" || w == "&" || w == "(" ||
		    w == ")" || w == "{" || w == "}" || w == "!" || w == "||" ||
		    w == "&&") {
			if (pat && w == ")")
				pat = 0
			if (w == "\n" || w == ";")
				skip = ""
			pos = 1
			continue
		}
		if (w == ";;") {
			pat = 1
			pos = 1
			continue
		}
		if (w == "esac") {
			incase--
			pat = 0
			pos = 0
			continue
		}
		if (pat)
			continue
		if (w ~ /^[0-9]*[<>]/) {	# a redirection
			if (w ~ /^[0-9]*(<|>|>>|<<|<>|>\|)$/)
				k++
			continue
		}
		if (!pos)
			continue
		if (skip == "opts") {		# options of a wrapper, then the command
			if (w == "-u") {	# env -u NAME
				k++
				continue
			}
			if (w ~ /^-/ || w ~ /^[0-9.]+[smhd]?$/ || w ~ /^[A-Za-z_][A-Za-z0-9_]*=/)
				continue
			skip = ""
		}
		if (w ~ /^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=/)	# assignment
			continue
		if (w == "then" || w == "do" || w == "else" || w == "elif" ||
		    w == "if" || w == "while" || w == "until" || w == "time")
			continue
		if (w == "fi" || w == "done" || w == "in") {
			pos = 0
			continue
		}
		if (w == "case") {
			# "case WORD in" and then patterns
			incase++
			while (k < nw && word[k] != "in")
				k++
			pat = 1
			continue
		}
		if (w == "for" && forcheck(k)) {
			pos = 0
			continue
		}
		if (w == "local" || w == "export" || w == "readonly" ||
		    w == "declare")
			decl = 1
		if (w == "for" || w == "select" || w == "local" || w == "export" ||
		    w == "readonly" || w == "declare" || w == "return" ||
		    w == "exit" || w == "shift" || w == "trap" || w == "set" ||
		    w == "unset" || w == "wait" || w == "read" || w == "cd") {
			pos = 0
			continue
		}
		if (w == "command" && word[k + 1] ~ /^-[vV]$/) {
			pos = 0
			continue
		}
		out(w)
		if (w == "exec" || w == "timeout" || w == "xargs" || w == "env" ||
		    w == "nice" || w == "command")
			skip = "opts"
		else
			pos = 0
	}
}
