package version

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// An InvalidVersionError reports a string that is not a valid version.
//
// Its message reproduces the one the reference implementation throws from
// SemanticVersion.from (ballerina-lang,
// compiler/ballerina-lang/src/main/java/io/ballerina/projects/SemanticVersion.java):
// "Version cannot be empty" for an empty string, otherwise
// "Invalid version: '<Version>'. <reason>", where the reason is the text of
// Err as the reference's parser (java-semver 0.9.0) words it.
type InvalidVersionError struct {
	Version string // the rejected input
	Err     error  // the reason; see the package documentation
}

func (e *InvalidVersionError) Error() string {
	if e.Version == "" {
		return "Version cannot be empty"
	}
	if e.Err == nil {
		return "Invalid version: '" + e.Version + "'."
	}
	return "Invalid version: '" + e.Version + "'. " + e.Err.Error()
}

// Unwrap returns e.Err.
func (e *InvalidVersionError) Unwrap() error { return e.Err }

// ErrEmpty is the reason [Parse] gives for an empty string.
var ErrEmpty = errors.New("version cannot be empty")

// ErrLeadingZeros is the reason [Parse] gives for a major, minor or patch
// number, or a numeric pre-release identifier, that starts with "0" and has
// more digits. The text is the reference implementation's.
var ErrLeadingZeros = errors.New("Numeric identifier MUST NOT contain leading zeroes")

// A CharClass is a class of input characters, as named in parse errors.
type CharClass int

// The character classes. Their String methods return the names the
// reference implementation prints ("DIGIT", "EOI", ...).
const (
	DigitChar   CharClass = iota // ASCII 0-9
	LetterChar                   // ASCII a-z and A-Z
	DotChar                      // "."
	HyphenChar                   // "-"
	PlusChar                     // "+"
	EndOfInput                   // no character: the input ended
	IllegalChar                  // anything else
)

var charClassNames = [...]string{"DIGIT", "LETTER", "DOT", "HYPHEN", "PLUS", "EOI", "ILLEGAL"}

func (c CharClass) String() string {
	if c >= 0 && int(c) < len(charClassNames) {
		return charClassNames[c]
	}
	return "CharClass(" + strconv.Itoa(int(c)) + ")"
}

// An UnexpectedCharError reports a character, or the end of the input,
// where the grammar allows only the classes listed in Expected.
type UnexpectedCharError struct {
	// Offset is the 0-based position of the character, or the length of
	// the input if AtEnd is set. The parser stops at the first non-ASCII
	// character, so everything before Offset is ASCII and the byte offset
	// equals the character position the reference implementation reports.
	Offset int
	// Char is the offending character; it is meaningless if AtEnd is set.
	// An invalid UTF-8 byte is reported as utf8.RuneError. (Java, working
	// in UTF-16, would print only the first half of a surrogate pair.)
	Char     rune
	AtEnd    bool        // the input ended at Offset
	Expected []CharClass // the acceptable classes, in the reference's order
}

// Class returns the class of the offending character.
func (e *UnexpectedCharError) Class() CharClass {
	if e.AtEnd {
		return EndOfInput
	}
	return classOfRune(e.Char)
}

// Error returns the reference text, for example
// "Unexpected character 'LETTER(v)' at position '0', expecting '[DIGIT]'".
// The end of input prints as 'EOI(null)'.
func (e *UnexpectedCharError) Error() string {
	var b strings.Builder
	b.WriteString("Unexpected character '")
	b.WriteString(e.Class().String())
	b.WriteByte('(')
	if e.AtEnd {
		b.WriteString("null")
	} else {
		b.WriteRune(e.Char)
	}
	b.WriteString(")' at position '")
	b.WriteString(strconv.Itoa(e.Offset))
	b.WriteByte('\'')
	if len(e.Expected) > 0 {
		b.WriteString(", expecting '[")
		for i, c := range e.Expected {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.String())
		}
		b.WriteString("]'")
	}
	return b.String()
}

// An EmptyIdentifierError reports an empty pre-release or build identifier,
// as in "1.0.0-alpha..1" or "1.0.0+a.". Cause locates the character found
// where the identifier should have started.
type EmptyIdentifierError struct {
	Cause *UnexpectedCharError
}

// Error returns the reference text, "Identifiers MUST NOT be empty" followed
// by the cause in parentheses.
func (e *EmptyIdentifierError) Error() string {
	if e.Cause == nil {
		return "Identifiers MUST NOT be empty"
	}
	return "Identifiers MUST NOT be empty (" + e.Cause.Error() + ")"
}

// Unwrap returns e.Cause.
func (e *EmptyIdentifierError) Unwrap() error {
	if e.Cause == nil {
		return nil
	}
	return e.Cause
}

// parse parses s, returning the unwrapped reason on failure.
//
// The parser accepts exactly the grammar in the package documentation. When
// it rejects a string it stops at the same point, and reports the same
// reason, as java-semver 0.9.0 (used by the reference implementation): in
// particular it classifies a pre-release or build identifier as
// alphanumeric when a letter or hyphen occurs before the next boundary
// ("." or "+" for pre-release identifiers, "." only for build identifiers),
// and as numeric otherwise, before consuming it.
func parse(s string) (Version, error) {
	if s == "" {
		return Version{}, ErrEmpty
	}
	p := parser{s: s}
	var v Version
	var err error
	if v.major, err = p.numeric(); err != nil {
		return Version{}, err
	}
	if err = p.consume(DotChar); err != nil {
		return Version{}, err
	}
	if v.minor, err = p.numeric(); err != nil {
		return Version{}, err
	}
	if err = p.consume(DotChar); err != nil {
		return Version{}, err
	}
	if v.patch, err = p.numeric(); err != nil {
		return Version{}, err
	}
	switch p.class() {
	case HyphenChar:
		p.i++
		if v.pre, err = p.identifiers(true); err != nil {
			return Version{}, err
		}
		switch p.class() {
		case PlusChar:
			p.i++
			if v.build, err = p.identifiers(false); err != nil {
				return Version{}, err
			}
		case EndOfInput:
		default:
			return Version{}, p.unexpected(PlusChar, EndOfInput)
		}
	case PlusChar:
		p.i++
		if v.build, err = p.identifiers(false); err != nil {
			return Version{}, err
		}
	case EndOfInput:
	default:
		return Version{}, p.unexpected(HyphenChar, PlusChar, EndOfInput)
	}
	if err = p.consume(EndOfInput); err != nil {
		return Version{}, err
	}
	return v, nil
}

// A parser walks a version string; i is the byte offset of the next
// character.
type parser struct {
	s string
	i int
}

func (p *parser) class() CharClass {
	if p.i >= len(p.s) {
		return EndOfInput
	}
	return classOfByte(p.s[p.i])
}

// consume advances past the next character if its class is one of
// expected; EndOfInput matches without advancing.
func (p *parser) consume(expected ...CharClass) error {
	c := p.class()
	if !slices.Contains(expected, c) {
		return p.unexpected(expected...)
	}
	if c != EndOfInput {
		p.i++ // every class but IllegalChar and EndOfInput is one ASCII byte
	}
	return nil
}

// unexpected returns an error for the next character.
func (p *parser) unexpected(expected ...CharClass) *UnexpectedCharError {
	e := &UnexpectedCharError{
		Offset:   p.i,
		Expected: slices.Clone(expected),
	}
	if p.i >= len(p.s) {
		e.AtEnd = true
	} else {
		e.Char, _ = utf8.DecodeRuneInString(p.s[p.i:])
	}
	return e
}

// numeric parses a numeric identifier, rejecting leading zeros, and
// returns it in stored form ("" for zero).
func (p *parser) numeric() (string, error) {
	if p.i+1 < len(p.s) && p.s[p.i] == '0' && isDigit(p.s[p.i+1]) {
		return "", ErrLeadingZeros
	}
	n, err := p.digits()
	if n == "0" {
		n = ""
	}
	return n, err
}

// digits parses one or more ASCII digits.
func (p *parser) digits() (string, error) {
	start := p.i
	if err := p.consume(DigitChar); err != nil {
		return "", err
	}
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i], nil
}

// alphanumeric parses one or more digits, letters and hyphens.
func (p *parser) alphanumeric() error {
	if err := p.consume(DigitChar, LetterChar, HyphenChar); err != nil {
		return err
	}
	for p.i < len(p.s) && isIdentChar(p.s[p.i]) {
		p.i++
	}
	return nil
}

// identifiers parses a dot-separated pre-release (pre == true) or build
// identifier list and returns its text.
func (p *parser) identifiers(pre bool) (string, error) {
	start := p.i
	if c := p.class(); c != DigitChar && c != LetterChar && c != HyphenChar {
		return "", p.unexpected(DigitChar, LetterChar, HyphenChar)
	}
	for {
		switch p.class() {
		case DotChar, PlusChar, EndOfInput:
			return "", &EmptyIdentifierError{Cause: p.unexpected(DigitChar, LetterChar, HyphenChar)}
		}
		var err error
		switch {
		case p.alphanumericAhead(pre):
			err = p.alphanumeric()
		case pre:
			_, err = p.numeric()
		default:
			_, err = p.digits()
		}
		if err != nil {
			return "", err
		}
		if p.class() != DotChar {
			return p.s[start:p.i], nil
		}
		p.i++
	}
}

// alphanumericAhead reports whether a letter or hyphen occurs between the
// current position and the next identifier boundary: ".", "+" too when
// plusEnds is set, or the end of the input.
func (p *parser) alphanumericAhead(plusEnds bool) bool {
	for j := p.i; j < len(p.s); j++ {
		b := p.s[j]
		if b == '.' || (plusEnds && b == '+') {
			return false
		}
		if isLetter(b) || b == '-' {
			return true
		}
	}
	return false
}

func isDigit(b byte) bool     { return '0' <= b && b <= '9' }
func isLetter(b byte) bool    { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }
func isIdentChar(b byte) bool { return isDigit(b) || isLetter(b) || b == '-' }

func classOfByte(b byte) CharClass {
	switch {
	case isDigit(b):
		return DigitChar
	case isLetter(b):
		return LetterChar
	case b == '.':
		return DotChar
	case b == '-':
		return HyphenChar
	case b == '+':
		return PlusChar
	}
	return IllegalChar
}

func classOfRune(r rune) CharClass {
	if r < 0 || r >= utf8.RuneSelf {
		return IllegalChar
	}
	return classOfByte(byte(r))
}
