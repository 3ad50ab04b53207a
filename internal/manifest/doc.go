// Package manifest reads the TOML files of a Ballerina package and of the
// Ballerina home directory:
//
//   - Ballerina.toml, the package manifest: [package] identity and metadata,
//     [[dependency]] entries for local and custom repositories,
//     [platform.<javaNN>] libraries, [build-options], [format] and
//     [[tool.<id>]] build tools ([ParseBallerinaToml]);
//   - Dependencies.toml, the lock file the build writes ([ParseDependenciesToml]);
//   - Settings.toml in the Ballerina home, the user's Central token, proxy,
//     timeouts and custom repositories ([ParseSettings], and [HomeDir] and
//     [LoadSettings] for the file's location and the environment).
//
// Package and organization names follow rules shared with `bal new` and the
// registry: [CheckOrg], [CheckPackageName] and [CheckPackage].
//
// # Pure parsers
//
// The Parse functions take a file name and the file's bytes and do no I/O;
// the name appears only in diagnostics, and anything that depends on the
// environment is passed in (the [PackageDefaults] of a Ballerina.toml).
// Checks that need the file system, such as whether the icon, the readme
// or a platform jar exists, are the caller's: the model records the paths
// with their positions. Only [HomeDir] and [LoadSettings] touch the
// environment and the disk.
//
// # Diagnostics
//
// A parser reports every problem it finds, not just the first, as
// [Diagnostics] in file order. A [Diagnostic] has the file name, the 1-based
// line and column of the offending value (or key, or table header; no
// position for a problem with the file as a whole, such as a missing
// [package] table), the dotted path of the key ("package.name",
// "dependency[1].version") and a severity, and prints as
//
//	Ballerina.toml:3:8: invalid 'name' under [package]: 'name' cannot be empty
//
// Errors make a file unusable as written; warnings report a problem worked
// around, typically by using a default. [Diagnostics.Err] returns the errors
// as one error.
//
// The messages are those of the reference implementation, verbatim, so that
// they can be searched for: the "message" texts of its TOML schemas
// (ballerina-toml-schema.json, settings-toml-schema.json), the generic texts
// of its schema validator ("incompatible type for key 'org': expected
// 'STRING', found 'INTEGER'", "key 'java8' not supported in schema
// 'platform'") and those of its manifest builder ("missing key 'org' in
// table '[package]' in 'Ballerina.toml'. Defaulting to 'org = "me"'").
// The few messages of this implementation's own checks (for example a
// repeated repository id in Settings.toml) are marked as such where they are
// defined.
//
// The schemas' regular expressions use look-around, which Go's regexp does
// not support; the rules are written out in code, with the semantics of
// Java's Matcher.matches (the whole value must match, and "." does not
// match a line terminator).
//
// On a TOML syntax error a parser returns a nil model and the one error.
// Otherwise the model is always returned, with defaults in place of missing
// or invalid values, even when there are errors.
package manifest
