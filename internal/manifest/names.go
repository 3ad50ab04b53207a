package manifest

import (
	"sort"
	"strings"
	"unicode/utf16"
)

// MaxNameLength is the maximum length of an organization or package name,
// counted in UTF-16 code units as the reference implementation counts.
const MaxNameLength = 256

// NameKind says which kind of name a [NameError] is about.
type NameKind int

const (
	// OrgName is an organization name: the "org" of [package] or
	// [[dependency]].
	OrgName NameKind = iota + 1
	// PackageName is a package name: the "name" of [package] or
	// [[dependency]].
	PackageName
)

// key returns the Ballerina.toml key holding a name of kind k.
func (k NameKind) key() string {
	if k == OrgName {
		return "org"
	}
	return "name"
}

// NameProblem is the rule an organization or package name breaks.
type NameProblem int

// The name rules, in the order [CheckOrg] and [CheckPackageName] test them.
const (
	NameEmpty                 NameProblem = iota + 1 // the name is ""
	NameTooLong                                      // longer than MaxNameLength
	NameInvalidChars                                 // a character outside [a-zA-Z0-9_] (org) or [a-zA-Z0-9_.] (package)
	NameOnlyPeriods                                  // a package name made of periods only
	NameInitialDigit                                 // starts with an ASCII digit
	NameInitialUnderscore                            // starts with "_"
	NameTrailingUnderscore                           // ends with "_"
	NameConsecutiveUnderscore                        // contains "__"
)

// NameError reports an invalid organization or package name. Problem tells
// which rule failed, so callers can word the error their own way:
// [NameError.ManifestMessage] gives the Ballerina.toml schema's text and
// [NameError.NewCommandMessage] the text of `bal new`.
type NameError struct {
	Kind    NameKind
	Name    string
	Problem NameProblem
}

// Error returns "invalid package name 'x': <reason>" (or "organization").
func (e *NameError) Error() string {
	what := "package name"
	if e.Kind == OrgName {
		what = "organization name"
	}
	return "invalid " + what + " '" + e.Name + "': " + e.Problem.reason()
}

func (p NameProblem) reason() string {
	switch p {
	case NameEmpty:
		return "empty"
	case NameTooLong:
		return "longer than 256 characters"
	case NameInvalidChars:
		return "invalid characters"
	case NameOnlyPeriods:
		return "only periods"
	case NameInitialDigit:
		return "initial digit"
	case NameInitialUnderscore:
		return "initial underscore"
	case NameTrailingUnderscore:
		return "trailing underscore"
	case NameConsecutiveUnderscore:
		return "consecutive underscores"
	}
	return "invalid"
}

// ManifestMessage returns the Ballerina.toml schema message for the problem,
// for a name found under table ("[package]" or "[[dependency]]"), for
// example "invalid 'org' under [package]: 'org' cannot be empty". The schema
// has no message for [NameOnlyPeriods] (the reference implementation
// replaces such a name by a default without saying so); for it the message
// of [NameInvalidChars] is returned.
func (e *NameError) ManifestMessage(table string) string {
	return nmManifestMessage(e.Kind, e.Problem, table)
}

func nmManifestMessage(kind NameKind, p NameProblem, table string) string {
	k := kind.key()
	prefix := "invalid '" + k + "' under " + table + ": "
	switch p {
	case NameEmpty:
		return prefix + "'" + k + "' cannot be empty"
	case NameTooLong:
		return prefix + "maximum length of '" + k + "' is 256 characters"
	case NameInvalidChars, NameOnlyPeriods:
		if kind == OrgName {
			return prefix + "'org' can only contain alphanumerics and underscores"
		}
		return prefix + "'name' can only contain alphanumerics, underscores and periods"
	case NameInitialDigit:
		return prefix + "'" + k + "' cannot have initial numeric characters"
	case NameInitialUnderscore:
		return prefix + "'" + k + "' cannot have initial underscore characters"
	case NameTrailingUnderscore:
		return prefix + "'" + k + "' cannot have trailing underscore characters"
	case NameConsecutiveUnderscore:
		return prefix + "'" + k + "' cannot have consecutive underscore characters"
	}
	return prefix + "invalid value"
}

// NewCommandMessage returns the sentence `bal new` prints for the problem,
// for example "Package name cannot have initial numeric characters.". The
// package-name texts are the reference CLI's; `bal new` never checks an
// organization name, so the "Organization name ..." texts are this
// implementation's, built the same way.
func (e *NameError) NewCommandMessage() string {
	subject := "Package name"
	chars := "Package name can only contain alphanumerics and underscores."
	if e.Kind == OrgName {
		subject = "Organization name"
		chars = "Organization name can only contain alphanumerics and underscores."
	}
	switch e.Problem {
	case NameEmpty:
		return subject + " cannot be empty."
	case NameTooLong:
		if e.Kind == OrgName {
			return "Maximum length of organization name is 256 characters."
		}
		return "Maximum length of package name is 256 characters."
	case NameInvalidChars, NameOnlyPeriods:
		return chars
	case NameInitialDigit:
		return subject + " cannot have initial numeric characters."
	case NameInitialUnderscore:
		return subject + " cannot have initial underscore characters."
	case NameTrailingUnderscore:
		return subject + " cannot have trailing underscore characters."
	case NameConsecutiveUnderscore:
		return subject + " cannot have consecutive underscore characters."
	}
	return chars
}

// CheckOrg reports whether org is a valid organization name: 1 to 256
// ASCII letters, digits and underscores, not starting with a digit, without
// leading, trailing or consecutive underscores. The error is a *[NameError]
// naming the first rule broken, in the order of the NameProblem constants.
func CheckOrg(org string) error {
	if ps := nmOrgProblems(org); len(ps) > 0 {
		return &NameError{Kind: OrgName, Name: org, Problem: ps[0]}
	}
	return nil
}

// CheckPackageName reports whether name is a valid package name: 1 to 256
// ASCII letters, digits, underscores and periods, not only periods, not
// starting with a digit, without leading, trailing or consecutive
// underscores. As in the Ballerina.toml schema, a name starting with "lang"
// may contain consecutive underscores (langlib packages such as
// "lang.__internal"). The error is a *[NameError].
func CheckPackageName(name string) error {
	if ps := nmPackageNameProblems(name, nmLangPrefixExempt); len(ps) > 0 {
		return &NameError{Kind: PackageName, Name: name, Problem: ps[0]}
	}
	return nil
}

// CheckPackage checks an organization and package name together: org with
// [CheckOrg], then name with [CheckPackageName], except that the reference
// implementation's langlib packages (org "ballerina" with a name starting
// with "lang." or equal to "jballerina.java") are exempt from all the
// underscore rules.
func CheckPackage(org, name string) error {
	if err := CheckOrg(org); err != nil {
		return err
	}
	exempt := nmLangPrefixExempt
	if nmIsLangLibPackage(org, name) {
		exempt = nmAllUnderscoresExempt
	}
	if ps := nmPackageNameProblems(name, exempt); len(ps) > 0 {
		return &NameError{Kind: PackageName, Name: name, Problem: ps[0]}
	}
	return nil
}

// nmIsLangLibPackage is ProjectUtils.isLangLibPackage of the reference
// implementation, used only for the underscore exemption.
func nmIsLangLibPackage(org, name string) bool {
	return org == "ballerina" && (strings.HasPrefix(name, "lang.") || name == "jballerina.java")
}

// nmUnderscoreExemption selects which underscore rules a package name is
// exempt from.
type nmUnderscoreExemption int

const (
	nmNoExemption          nmUnderscoreExemption = iota // all rules apply
	nmLangPrefixExempt                                  // the schema: names starting with "lang" may contain "__"
	nmAllUnderscoresExempt                              // the builder's langlib rule: no underscore rule applies
)

// nmSchemaOrder sorts problems into the order in which the reference schema
// validator reports them: pattern, maxLength, minLength, then the allOf
// rules (initial, trailing and consecutive underscores, initial digit).
func nmSchemaOrder(ps []NameProblem) []NameProblem {
	rank := map[NameProblem]int{
		NameInvalidChars: 0, NameOnlyPeriods: 1, NameTooLong: 2, NameEmpty: 3,
		NameInitialUnderscore: 4, NameTrailingUnderscore: 5, NameConsecutiveUnderscore: 6, NameInitialDigit: 7,
	}
	out := append([]NameProblem(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i]] < rank[out[j]] })
	return out
}

// nmOrgProblems lists every organization-name rule org breaks, in the order
// of the NameProblem constants. The rules are those of the Ballerina.toml
// schema for [package] org.
func nmOrgProblems(org string) []NameProblem {
	var ps []NameProblem
	if org == "" {
		return append(ps, NameEmpty)
	}
	if nmUTF16Len(org) > MaxNameLength {
		ps = append(ps, NameTooLong)
	}
	if !nmOnly(org, false) {
		ps = append(ps, NameInvalidChars)
	}
	return append(ps, nmShapeProblems(org, nmNoExemption)...)
}

// nmPackageNameProblems lists every package-name rule name breaks, in the
// order of the NameProblem constants.
func nmPackageNameProblems(name string, exempt nmUnderscoreExemption) []NameProblem {
	var ps []NameProblem
	if name == "" {
		return append(ps, NameEmpty)
	}
	if nmUTF16Len(name) > MaxNameLength {
		ps = append(ps, NameTooLong)
	}
	if !nmOnly(name, true) {
		ps = append(ps, NameInvalidChars)
	} else if strings.Trim(name, ".") == "" {
		ps = append(ps, NameOnlyPeriods)
	}
	return append(ps, nmShapeProblems(name, exempt)...)
}

// nmShapeProblems checks the digit and underscore rules. The schema writes
// them as Java regular expressions matched against the whole value, in
// which "." does not match a line terminator; nmJavaDotAll reproduces that,
// so a value containing a line break breaks each of these rules too, as it
// does in the reference implementation.
func nmShapeProblems(s string, exempt nmUnderscoreExemption) []NameProblem {
	var ps []NameProblem
	oneLine := nmJavaDotAll(s)
	// ^(?![0-9]).*
	if !oneLine || (s != "" && s[0] >= '0' && s[0] <= '9') {
		ps = append(ps, NameInitialDigit)
	}
	if exempt == nmAllUnderscoresExempt {
		return ps
	}
	// ^(?!_).*
	if !oneLine || strings.HasPrefix(s, "_") {
		ps = append(ps, NameInitialUnderscore)
	}
	// .*(?<!_)$
	if !oneLine || strings.HasSuffix(s, "_") {
		ps = append(ps, NameTrailingUnderscore)
	}
	// ^(?!.*__).*$ for org; (^(?!.*__).*$|^lang.*) for package names.
	consecutiveOK := oneLine && !strings.Contains(s, "__")
	if exempt == nmLangPrefixExempt && strings.HasPrefix(s, "lang") && nmJavaDotAll(s[len("lang"):]) {
		consecutiveOK = true
	}
	if !consecutiveOK {
		ps = append(ps, NameConsecutiveUnderscore)
	}
	return ps
}

// nmOnly reports whether s consists of ASCII letters, digits and
// underscores (and periods when periods is set).
func nmOnly(s string, periods bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_':
		case c == '.' && periods:
		default:
			return false
		}
	}
	return true
}

// nmJavaDotAll reports whether ".*" of a Java regular expression (without
// DOTALL) matches all of s: s contains no Java line terminator.
func nmJavaDotAll(s string) bool {
	for _, r := range s {
		switch r {
		case '\n', '\r', '\u0085', '\u2028', '\u2029':
			return false
		}
	}
	return true
}

// nmUTF16Len returns the length of s in UTF-16 code units, the unit of Java's
// String.length.
func nmUTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
