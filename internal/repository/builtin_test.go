package repository

import "testing"

func TestIsBuiltIn(t *testing.T) {
	tests := []struct {
		org, name        string
		builtIn, langLib bool
	}{
		{"ballerina", "lang.int", true, true},
		{"ballerina", "lang.__internal", true, true},
		{"ballerina", "jballerina.java", true, true},
		{"ballerina", "test", true, false},
		{"ballerinai", "observe", true, false},
		{"ballerinai", "transaction", true, false},
		{"ballerina", "io", false, false},
		{"ballerina", "http", false, false},
		{"ballerina", "language", false, false},
		{"ballerinax", "lang.int", false, false},
		{"samjs", "test", false, false},
	}
	for _, tt := range tests {
		if got := IsBuiltIn(tt.org, tt.name); got != tt.builtIn {
			t.Errorf("IsBuiltIn(%s, %s) = %v, want %v", tt.org, tt.name, got, tt.builtIn)
		}
		if got := IsLangLib(tt.org, tt.name); got != tt.langLib {
			t.Errorf("IsLangLib(%s, %s) = %v, want %v", tt.org, tt.name, got, tt.langLib)
		}
	}
}
