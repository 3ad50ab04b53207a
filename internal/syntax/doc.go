// Package syntax reads Ballerina source at module level: the imports of each
// file, its module-level declarations with their public API (names,
// qualifiers, signatures, members, annotations) and their `#` documentation.
// It never looks inside function bodies beyond finding where they end; bodies
// are kept as source spans so a change to one is detectable.
//
// The grammar is the Ballerina Language Specification 2024R1; the parts this
// package relies on are summarised in the project handout's
// reference/ballerina-syntax.md.
//
// # Layers
//
//   - The lexer ([NewLexer], [Tokenize]) turns every byte of a file into a
//     token, whitespace and comments included, so the tokens' texts
//     concatenate back to the input exactly. It tracks backtick templates
//     with a mode stack (template text, `${` interpolations holding whole
//     expressions, nested templates) and recognises `#` documentation lines
//     only as the first non-blank character of a line outside strings and
//     templates.
//   - The parser ([ParseFile]) reads the token stream into a [File]: the
//     imports, then every module-level declaration. Function bodies,
//     initialisers and other expressions are skipped by balancing brackets
//     and kept as [Text] spans.
//   - [ParseDoc] turns documentation lines into a [Doc]: description,
//     `+ name - text` parameters, `+ return - text` and `# Deprecated`
//     sections.
//   - [LoadPackage] reads a package directory: the default module, the
//     modules under modules/<name>/, and their tests/ directories, so that
//     imports used only by tests are known as test-only.
//
// # Robustness
//
// Any input, however malformed, yields a File and diagnostics, never a panic
// or a hang: every loop consumes input, nesting depth is bounded by
// [MaxNesting], a syntax error is reported with file:line:col and parsing
// resumes at the next module-level declaration, and imports are returned
// even when later declarations are broken. Offsets, lines and columns refer
// to the input bytes as given: a byte order mark is a whitespace token, and
// CR LF and lone CR end lines like LF.
package syntax
