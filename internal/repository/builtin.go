package repository

import "strings"

// IsBuiltIn reports whether org/name is a built-in package: one that always
// comes from the running distribution at version 0.0.0 and is never sent to
// Central. These are the langlibs (ballerina/lang.*), ballerina/jballerina.java,
// ballerina/test and every ballerinai/* package.
func IsBuiltIn(org, name string) bool {
	switch org {
	case "ballerinai":
		return true
	case "ballerina":
		return IsLangLib(org, name) || name == "test"
	}
	return false
}

// IsLangLib reports whether org/name is a language library: ballerina/lang.*
// or ballerina/jballerina.java. Graph output omits them.
func IsLangLib(org, name string) bool {
	return org == "ballerina" && (strings.HasPrefix(name, "lang.") || name == "jballerina.java")
}

// BuiltInVersion is the version every built-in package has.
const BuiltInVersion = "0.0.0"
