package syntax

import "fmt"

// Kind is the kind of a token.
//
// The lexer turns every byte of a file into exactly one token, trivia
// (whitespace, comments) included, so that concatenating the text of all
// tokens gives back the input. The parser skips trivia.
type Kind uint8

// Token kinds. Keep kindNames in step.
const (
	EOF     Kind = iota // end of input; zero length
	Illegal             // bytes that start no token (reported as a diagnostic)

	// Trivia.
	Whitespace // spaces, tabs, form feeds, newlines (LF, CR LF, CR) and a leading BOM
	Comment    // "//" to the end of the line, without the newline

	// DocLine is one documentation line: from "#" (the first non-blank
	// character of a line, outside strings and templates) to the end of the
	// line, without the newline. Consecutive DocLine tokens form one
	// documentation string.
	DocLine

	Ident // identifier, unquoted ("foo", "a\-b") or quoted ("'listener")

	// Literals. A literal that is malformed (unterminated string, bad
	// escape) still gets its kind; the lexer reports a diagnostic.
	IntLit    // 0, 42, 0x1F
	FloatLit  // 1.5, .5, 1e10, 12f, 3.0d, 0x1.8p3
	StringLit // "..." on one line

	// Backtick templates (string, xml, raw, re`...`, base16/base64 byte
	// arrays). The optional tag before the backtick is an ordinary token.
	//
	//	string `a ${x} b`  →  KwString TemplateStart TemplateText InterpStart Ident InterpEnd TemplateText TemplateEnd
	TemplateStart // the opening backtick
	TemplateText  // literal text between backticks and interpolations
	InterpStart   // "${" inside a template
	InterpEnd     // the "}" closing an interpolation
	TemplateEnd   // the closing backtick

	// Operator is any operator or punctuation without a kind of its own
	// (">>", ">>>", "/<", ".<", "/**/", ...); compare Token text.
	Operator

	punctBegin
	LParen      // (
	RParen      // )
	LBracket    // [
	RBracket    // ]
	LBrace      // {
	RBrace      // }
	LBracePipe  // {|
	PipeRBrace  // |}
	Semicolon   // ;
	Comma       // ,
	Dot         // .
	Ellipsis    // ...
	DotDotLess  // ..<
	Colon       // :
	Question    // ?
	QuestionDot // ?.
	Elvis       // ?:
	At          // @
	Assign      // =
	Arrow       // =>
	RightArrow  // ->
	LeftArrow   // <-
	SyncSend    // ->>
	Eq          // ==
	RefEq       // ===
	NotEq       // !=
	RefNotEq    // !==
	Lt          // <
	Gt          // >
	LtEq        // <=
	GtEq        // >=
	Plus        // +
	Minus       // -
	Star        // *
	Slash       // /
	Percent     // %
	Not         // !
	Tilde       // ~
	Amp         // &
	Pipe        // |
	Caret       // ^
	AndAnd      // &&
	OrOr        // ||
	Shl         // <<
	PlusAssign  // +=
	MinusAssign // -=
	StarAssign  // *=
	SlashAssign // /=
	AmpAssign   // &=
	PipeAssign  // |=
	CaretAssign // ^=
	ShlAssign   // <<=
	ShrAssign   // >>=
	UshrAssign  // >>>=
	DotAt       // .@
	Hash        // #
	punctEnd

	keywordBegin
	KwInt
	KwFloat
	KwString
	KwBoolean
	KwDecimal
	KwXml
	KwJson
	KwHandle
	KwAny
	KwAnydata
	KwNever
	KwByte
	KwPublic
	KwPrivate
	KwFunction
	KwReturn
	KwReturns
	KwExternal
	KwType
	KwRecord
	KwObject
	KwRemote
	KwAbstract
	KwClient
	KwIf
	KwElse
	KwWhile
	KwTrue
	KwFalse
	KwCheck
	KwFail
	KwCheckpanic
	KwContinue
	KwBreak
	KwPanic
	KwImport
	KwAs
	KwService
	KwOn
	KwResource
	KwListener
	KwConst
	KwFinal
	KwTypeof
	KwIs
	KwNull
	KwLock
	KwAnnotation
	KwSource
	KwVar
	KwWorker
	KwParameter
	KwField
	KwIsolated
	KwXmlns
	KwFork
	KwMap
	KwFuture
	KwTypedesc
	KwTrap
	KwIn
	KwForeach
	KwTable
	KwError
	KwLet
	KwStream
	KwNew
	KwReadonly
	KwDistinct
	KwFrom
	KwStart
	KwFlush
	KwWait
	KwDo
	KwTransaction
	KwCommit
	KwRetry
	KwRollback
	KwTransactional
	KwEnum
	KwMatch
	KwConflict
	KwClass
	KwConfigurable
	KwWhere
	KwSelect
	KwLimit
	KwOuter
	KwEquals
	KwOrder
	KwBy
	KwAscending
	KwDescending
	KwJoin
	keywordEnd
)

// IsKeyword reports whether k is a reserved keyword.
func (k Kind) IsKeyword() bool { return k > keywordBegin && k < keywordEnd }

// IsPunct reports whether k is punctuation or an operator with a kind of
// its own.
func (k Kind) IsPunct() bool { return k > punctBegin && k < punctEnd }

// IsTrivia reports whether k is whitespace or a comment.
func (k Kind) IsTrivia() bool { return k == Whitespace || k == Comment }

// String returns the keyword or punctuation text, or a name for other kinds.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

var kindNames = [...]string{
	EOF: "EOF", Illegal: "Illegal", Whitespace: "Whitespace", Comment: "Comment", DocLine: "DocLine",
	Ident: "Ident", IntLit: "IntLit", FloatLit: "FloatLit", StringLit: "StringLit",
	TemplateStart: "TemplateStart", TemplateText: "TemplateText", InterpStart: "InterpStart",
	InterpEnd: "InterpEnd", TemplateEnd: "TemplateEnd", Operator: "Operator",
	LParen:          "(",
	RParen:          ")",
	LBracket:        "[",
	RBracket:        "]",
	LBrace:          "{",
	RBrace:          "}",
	LBracePipe:      "{|",
	PipeRBrace:      "|}",
	Semicolon:       ";",
	Comma:           ",",
	Dot:             ".",
	Ellipsis:        "...",
	DotDotLess:      "..<",
	Colon:           ":",
	Question:        "?",
	QuestionDot:     "?.",
	Elvis:           "?:",
	At:              "@",
	Assign:          "=",
	Arrow:           "=>",
	RightArrow:      "->",
	LeftArrow:       "<-",
	SyncSend:        "->>",
	Eq:              "==",
	RefEq:           "===",
	NotEq:           "!=",
	RefNotEq:        "!==",
	Lt:              "<",
	Gt:              ">",
	LtEq:            "<=",
	GtEq:            ">=",
	Plus:            "+",
	Minus:           "-",
	Star:            "*",
	Slash:           "/",
	Percent:         "%",
	Not:             "!",
	Tilde:           "~",
	Amp:             "&",
	Pipe:            "|",
	Caret:           "^",
	AndAnd:          "&&",
	OrOr:            "||",
	Shl:             "<<",
	PlusAssign:      "+=",
	MinusAssign:     "-=",
	StarAssign:      "*=",
	SlashAssign:     "/=",
	AmpAssign:       "&=",
	PipeAssign:      "|=",
	CaretAssign:     "^=",
	ShlAssign:       "<<=",
	ShrAssign:       ">>=",
	UshrAssign:      ">>>=",
	DotAt:           ".@",
	Hash:            "#",
	KwInt:           "int",
	KwFloat:         "float",
	KwString:        "string",
	KwBoolean:       "boolean",
	KwDecimal:       "decimal",
	KwXml:           "xml",
	KwJson:          "json",
	KwHandle:        "handle",
	KwAny:           "any",
	KwAnydata:       "anydata",
	KwNever:         "never",
	KwByte:          "byte",
	KwPublic:        "public",
	KwPrivate:       "private",
	KwFunction:      "function",
	KwReturn:        "return",
	KwReturns:       "returns",
	KwExternal:      "external",
	KwType:          "type",
	KwRecord:        "record",
	KwObject:        "object",
	KwRemote:        "remote",
	KwAbstract:      "abstract",
	KwClient:        "client",
	KwIf:            "if",
	KwElse:          "else",
	KwWhile:         "while",
	KwTrue:          "true",
	KwFalse:         "false",
	KwCheck:         "check",
	KwFail:          "fail",
	KwCheckpanic:    "checkpanic",
	KwContinue:      "continue",
	KwBreak:         "break",
	KwPanic:         "panic",
	KwImport:        "import",
	KwAs:            "as",
	KwService:       "service",
	KwOn:            "on",
	KwResource:      "resource",
	KwListener:      "listener",
	KwConst:         "const",
	KwFinal:         "final",
	KwTypeof:        "typeof",
	KwIs:            "is",
	KwNull:          "null",
	KwLock:          "lock",
	KwAnnotation:    "annotation",
	KwSource:        "source",
	KwVar:           "var",
	KwWorker:        "worker",
	KwParameter:     "parameter",
	KwField:         "field",
	KwIsolated:      "isolated",
	KwXmlns:         "xmlns",
	KwFork:          "fork",
	KwMap:           "map",
	KwFuture:        "future",
	KwTypedesc:      "typedesc",
	KwTrap:          "trap",
	KwIn:            "in",
	KwForeach:       "foreach",
	KwTable:         "table",
	KwError:         "error",
	KwLet:           "let",
	KwStream:        "stream",
	KwNew:           "new",
	KwReadonly:      "readonly",
	KwDistinct:      "distinct",
	KwFrom:          "from",
	KwStart:         "start",
	KwFlush:         "flush",
	KwWait:          "wait",
	KwDo:            "do",
	KwTransaction:   "transaction",
	KwCommit:        "commit",
	KwRetry:         "retry",
	KwRollback:      "rollback",
	KwTransactional: "transactional",
	KwEnum:          "enum",
	KwMatch:         "match",
	KwConflict:      "conflict",
	KwClass:         "class",
	KwConfigurable:  "configurable",
	KwWhere:         "where",
	KwSelect:        "select",
	KwLimit:         "limit",
	KwOuter:         "outer",
	KwEquals:        "equals",
	KwOrder:         "order",
	KwBy:            "by",
	KwAscending:     "ascending",
	KwDescending:    "descending",
	KwJoin:          "join",
}

// keywords maps a reserved word to its kind. Contextual words ("re",
// "base16", "base64", and method names such as "map" after a dot) are
// decided by the parser, not here.
var keywords = func() map[string]Kind {
	m := make(map[string]Kind, keywordEnd-keywordBegin)
	for k := keywordBegin + 1; k < keywordEnd; k++ {
		m[kindNames[k]] = k
	}
	return m
}()

// LookupKeyword returns the keyword kind of word, or Ident.
func LookupKeyword(word string) Kind {
	if k, ok := keywords[word]; ok {
		return k
	}
	return Ident
}

// punctuation maps punctuation text to its kind.
var punctuation = func() map[string]Kind {
	m := make(map[string]Kind, punctEnd-punctBegin)
	for k := punctBegin + 1; k < punctEnd; k++ {
		m[kindNames[k]] = k
	}
	return m
}()

// LookupPunct returns the kind of punctuation text, or Operator when it has
// no kind of its own.
func LookupPunct(text string) Kind {
	if k, ok := punctuation[text]; ok {
		return k
	}
	return Operator
}

// Pos is a position in a source file: a byte offset and the 1-based line
// and column of that byte (the column counts bytes, as Go tools do). Lines
// end at LF, CR LF or a lone CR.
type Pos struct {
	Offset    int
	Line, Col int
}

// IsValid reports whether p is a real position (not the zero Pos).
func (p Pos) IsValid() bool { return p.Line > 0 }

// String returns "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Span is the half-open byte range [Start, End) of a piece of source.
type Span struct {
	Start, End int
}

// Len returns the number of bytes in s.
func (s Span) Len() int { return s.End - s.Start }

// Token is one token: its kind and where it is. Its text is
// src[Pos.Offset:End].
type Token struct {
	Kind Kind
	Pos  Pos // position of the first byte
	End  int // offset just past the last byte
}

// Span returns the byte range of t.
func (t Token) Span() Span { return Span{t.Pos.Offset, t.End} }

// Text returns the source text of t.
func (t Token) Text(src []byte) string { return string(src[t.Pos.Offset:t.End]) }

// Severity ranks a Diagnostic.
type Severity uint8

const (
	// SeverityError marks source that is not valid Ballerina.
	SeverityError Severity = iota
	// SeverityWarning marks valid but suspicious source.
	SeverityWarning
)

// Diagnostic is a problem found in a source file.
type Diagnostic struct {
	File     string
	Pos      Pos
	Severity Severity
	Message  string
}

// Error formats d as "file:line:col: message".
func (d Diagnostic) Error() string {
	sev := ""
	if d.Severity == SeverityWarning {
		sev = "warning: "
	}
	return fmt.Sprintf("%s:%s: %s%s", d.File, d.Pos, sev, d.Message)
}
