package project

// The [package] include patterns of Ballerina.toml.
//
// Semantics (those of the reference toolchain's
// ProjectUtils.getPathsMatchingIncludePatterns, with two corrections noted
// below). Each pattern is a glob over slash-separated paths relative to the
// package root, applied in order:
//
//   - "*" matches any run of characters within one path element, "?" one
//     character, "[abc]" / "[a-z]" / "[!abc]" a character class, "{a,b}"
//     either alternative, "**" any run of characters across elements
//     ("a/**/b" matches a/b, a/x/b and a/x/y/b), and "\" escapes the next
//     character.
//   - A pattern matches at any depth: "docs/*.md" matches docs/a.md and
//     tools/docs/a.md. A leading "/" anchors it at the package root instead.
//     (Upstream only lets an anchored pattern match entries directly in the
//     root; here "/a/b" matches a/b.)
//   - A trailing "/" matches directories only.
//   - A matched directory stands for every file under it.
//   - A pattern starting with "!" removes the files it matches, or that lie
//     under a directory it matches, from those matched so far. (Upstream
//     removes only paths matched literally by an earlier pattern, so it
//     cannot exclude one file of an included directory.)
//
// The build output directory (target/, and the --target-dir or
// [build-options] targetDir directory when it lies inside the package) is
// never searched. Only regular files are included: symbolic links, devices
// and the like are skipped, so a link cannot pull files from outside the
// package into the archive.

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// includePattern is one compiled include pattern.
type includePattern struct {
	text    string
	negate  bool
	dirOnly bool
	re      *regexp.Regexp
}

// compileInclude compiles one [package] include pattern.
func compileInclude(pattern string) (*includePattern, error) {
	ip := &includePattern{text: pattern}
	s := pattern
	if rest, ok := strings.CutPrefix(s, "!"); ok {
		ip.negate, s = true, rest
	}
	anchored := false
	if rest, ok := strings.CutPrefix(s, "/"); ok {
		anchored, s = true, strings.TrimLeft(rest, "/")
	}
	if strings.HasSuffix(s, "/") {
		ip.dirOnly, s = true, strings.TrimRight(s, "/")
	}
	if s == "" {
		return nil, errors.New("empty pattern")
	}
	body, err := globRegexp(s)
	if err != nil {
		return nil, err
	}
	prefix := "^(?:.*/)?"
	if anchored {
		prefix = "^"
	}
	ip.re, err = regexp.Compile(prefix + body + "$")
	if err != nil {
		return nil, err
	}
	return ip, nil
}

// globRegexp translates a glob to the body of a regular expression.
func globRegexp(glob string) (string, error) {
	var b strings.Builder
	inGroup := 0
	for i := 0; i < len(glob); i++ {
		c := glob[i]
		switch c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				i++
				if i+1 < len(glob) && glob[i+1] == '/' {
					// "**/" matches nothing or whole directories.
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
				continue
			}
			b.WriteString("[^/]*")
		case '?':
			b.WriteString("[^/]")
		case '\\':
			if i+1 == len(glob) {
				return "", errors.New("trailing '\\'")
			}
			i++
			b.WriteString(regexp.QuoteMeta(glob[i : i+1]))
		case '[':
			end := strings.IndexByte(glob[i+1:], ']')
			if end < 0 {
				return "", errors.New("unclosed '['")
			}
			class := glob[i+1 : i+1+end]
			if end == 0 || class == "!" {
				// "[]...]" and "[!]...]": the first ']' is literal.
				next := strings.IndexByte(glob[i+2+end:], ']')
				if next < 0 {
					return "", errors.New("unclosed '['")
				}
				end += 1 + next
				class = glob[i+1 : i+1+end]
			}
			i += 1 + end
			neg := strings.HasPrefix(class, "!")
			if neg {
				class = class[1:]
			}
			b.WriteString("[")
			if neg {
				b.WriteString("^/")
			}
			for j := 0; j < len(class); j++ {
				switch ch := class[j]; ch {
				case '\\', '[', ']', '^':
					b.WriteByte('\\')
					b.WriteByte(ch)
				default:
					b.WriteByte(ch)
				}
			}
			b.WriteString("]")
		case '{':
			inGroup++
			b.WriteString("(?:")
		case '}':
			if inGroup == 0 {
				b.WriteString(`\}`)
				continue
			}
			inGroup--
			b.WriteString(")")
		case ',':
			if inGroup > 0 {
				b.WriteString("|")
			} else {
				b.WriteString(",")
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	if inGroup > 0 {
		return "", errors.New("unclosed '{'")
	}
	return b.String(), nil
}

// IncludeError reports a [package] include pattern that cannot be used.
type IncludeError struct {
	Pattern string
	Err     error
}

func (e *IncludeError) Error() string {
	return fmt.Sprintf("invalid pattern '%s' in [package] include of Ballerina.toml: %v", e.Pattern, e.Err)
}

func (e *IncludeError) Unwrap() error { return e.Err }

// includeFiles returns the regular files of the package in root matched by
// patterns, as slash-separated paths relative to root, sorted. skipDirs are
// directories (absolute, clean) that are not searched.
func includeFiles(root string, patterns []string, skipDirs []string) ([]string, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	compiled := make([]*includePattern, 0, len(patterns))
	for _, p := range patterns {
		ip, err := compileInclude(p)
		if err != nil {
			return nil, &IncludeError{Pattern: p, Err: err}
		}
		compiled = append(compiled, ip)
	}

	// Everything in the package, once.
	type entry struct {
		rel string
		dir bool
	}
	var all []entry
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == root {
			return nil
		}
		if d.IsDir() && slices.Contains(skipDirs, path) {
			return filepath.SkipDir
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			all = append(all, entry{rel: rel, dir: true})
		case d.Type().IsRegular():
			all = append(all, entry{rel: rel})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the files matched by [package] include: %w", err)
	}

	// filesOf returns the files the entry at index i stands for. WalkDir
	// lists a directory's contents right after it, so they follow it.
	filesOf := func(i int) []string {
		e := all[i]
		if !e.dir {
			return []string{e.rel}
		}
		var out []string
		for _, f := range all[i+1:] {
			if !strings.HasPrefix(f.rel, e.rel+"/") {
				break
			}
			if !f.dir {
				out = append(out, f.rel)
			}
		}
		return out
	}
	selected := map[string]bool{}
	for _, ip := range compiled {
		for i, e := range all {
			if ip.dirOnly && !e.dir || !ip.re.MatchString(e.rel) {
				continue
			}
			for _, f := range filesOf(i) {
				if ip.negate {
					delete(selected, f)
				} else {
					selected[f] = true
				}
			}
		}
	}
	out := make([]string, 0, len(selected))
	for f := range selected {
		out = append(out, f)
	}
	slices.Sort(out)
	return out, nil
}

// includeEntryName returns the archive name of an included file:
// "modules/<sub>/x" becomes "modules/<pkg>.<sub>/x", as module directories
// are named after the full module name in a bala; other paths are kept.
func includeEntryName(pkg, rel string) string {
	rest, ok := strings.CutPrefix(rel, "modules/")
	if !ok {
		return rel
	}
	sub, tail, ok := strings.Cut(rest, "/")
	if !ok || sub == "" {
		return rel
	}
	return "modules/" + pkg + "." + sub + "/" + tail
}
