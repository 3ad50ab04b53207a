package syntax

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

// corpusCase is one case of the semver conformance data.
type corpusCase struct {
	Description string `json:"description"`
	OldCode     string `json:"oldCode"`
	NewCode     string `json:"newCode"`
}

// corpusSource is one source of the conformance corpus.
type corpusSource struct {
	id   string // "<file> #<case> oldCode"
	desc string
	code string
}

func loadCorpus(t testing.TB) []corpusSource {
	t.Helper()
	root := handout.Path(t, "conformance", "semver")
	var out []corpusSource
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var cases []corpusCase
		if err := json.Unmarshal(data, &cases); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		for i, c := range cases {
			if c.Description == "" && c.OldCode == "" && c.NewCode == "" {
				continue
			}
			out = append(out,
				corpusSource{id: rel + " #" + strconv.Itoa(i) + " oldCode", desc: c.Description, code: c.OldCode},
				corpusSource{id: rel + " #" + strconv.Itoa(i) + " newCode", desc: c.Description, code: c.NewCode})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// corpusException says why a conformance source is not valid Ballerina and
// which diagnostic (a substring) the parser must report for it.
type corpusException struct{ reason, diag string }

// The reasons the upstream test inputs are invalid. All of them are in
// cases that exercise the semver comparison, not the parser, and the
// reference parser reports them too (it then recovers with missing or
// invalid tokens).
var (
	excCurlyQuotes = corpusException{
		"uses typographic quotes (U+201C/U+201D) where a string literal needs '\"'",
		"unexpected character U+201"}
	excMissingSemicolon = corpusException{
		"the type definition lacks its terminating ';' (the source ends after the type descriptor)",
		"expected ';' after type definition, found end of file"}
	excServiceTypeQual = corpusException{
		"`public service type T object {...}`: 'service' is not a qualifier of type definitions (only of object type descriptors and classes)",
		"qualifier 'service' is not allowed on a type definition"}
	excServiceNoBrace = corpusException{
		"the service declaration lacks the '{' that opens its body (`service /demo on new http:Listener(8080)` then members)",
		"expected field name after the type, found ':'"}
)

// corpusExceptions lists, by source id, the conformance sources that are
// not valid Ballerina, so a diagnostic is expected. Every other source must
// parse without diagnostics.
var corpusExceptions = map[string]corpusException{
	"classDefinition/annotation.json #2 newCode":                                                                    excCurlyQuotes,
	"classDefinition/classMember/objectField/annotation.json #0 newCode":                                            excCurlyQuotes,
	"classDefinition/classMember/objectField/annotation.json #1 oldCode":                                            excCurlyQuotes,
	"classDefinition/classMember/objectField/annotation.json #2 newCode":                                            excCurlyQuotes,
	"classDefinition/classMember/objectField/annotation.json #2 oldCode":                                            excCurlyQuotes,
	"enumerationDeclaration/enumMember.json #6 newCode":                                                             excCurlyQuotes,
	"enumerationDeclaration/enumMember.json #6 oldCode":                                                             excCurlyQuotes,
	"functionDefinition/annotation.json #0 newCode":                                                                 excCurlyQuotes,
	"functionDefinition/annotation.json #1 oldCode":                                                                 excCurlyQuotes,
	"functionDefinition/annotation.json #2 oldCode":                                                                 excCurlyQuotes,
	"serviceDeclaration/serviceMembers/objectField/annotation.json #1 oldCode":                                      excServiceNoBrace,
	"serviceDeclaration/serviceMembers/objectField/annotation.json #2 newCode":                                      excServiceNoBrace,
	"serviceDeclaration/serviceMembers/objectField/annotation.json #2 oldCode":                                      excCurlyQuotes,
	"typeDefinition/annotation.json #0 newCode":                                                                     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/annotation.json #0 newCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/annotation.json #0 oldCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/annotation.json #1 newCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/annotation.json #1 oldCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/annotation.json #2 newCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/annotation.json #2 oldCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/body.json #0 newCode":          excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/body.json #0 oldCode":          excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/body.json #1 newCode":          excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/body.json #1 oldCode":          excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/body.json #2 newCode":          excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/body.json #2 oldCode":          excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/documentation.json #0 newCode": excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/documentation.json #0 oldCode": excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/documentation.json #1 newCode": excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/documentation.json #1 oldCode": excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/documentation.json #2 newCode": excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/documentation.json #2 oldCode": excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/identifier.json #0 newCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/identifier.json #0 oldCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/identifier.json #1 newCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/identifier.json #1 oldCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/identifier.json #2 newCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/identifier.json #2 oldCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #0 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #0 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #1 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #1 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #2 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #2 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #3 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #3 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #4 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #4 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #5 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #5 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #6 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #6 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #7 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #7 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #8 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #8 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #9 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/parameter.json #9 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #0 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #0 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #1 newCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #1 oldCode":     excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #2 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #2 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #3 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #3 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #4 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #4 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #5 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #5 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #6 newCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/qualifier.json #6 oldCode":     excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #0 newCode":    excCurlyQuotes,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #0 oldCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #1 newCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #1 oldCode":    excServiceTypeQual,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #2 newCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #2 oldCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #3 newCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #3 oldCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #4 newCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/behaviouralTypeDescriptor/object/methodDefinition/returnType.json #4 oldCode":    excMissingSemicolon,
	"typeDefinition/typeDescriptor/othertypeDescriptor/record.json #4 newCode":                                      excCurlyQuotes,
	"typeDefinition/typeDescriptor/othertypeDescriptor/record.json #5 oldCode":                                      excCurlyQuotes,
	"typeDefinition/typeDescriptor/othertypeDescriptor/record.json #6 newCode":                                      excCurlyQuotes,
	"typeDefinition/typeDescriptor/othertypeDescriptor/record.json #6 oldCode":                                      excCurlyQuotes,
	"typeDefinition/typeDescriptor/othertypeDescriptor/typeReference.json #0 newCode":                               excMissingSemicolon,
	"typeDefinition/typeDescriptor/sequenceTypeDescriptor/string.json #0 newCode":                                   excCurlyQuotes,
	"typeDefinition/typeDescriptor/sequenceTypeDescriptor/string.json #1 newCode":                                   excCurlyQuotes,
	"typeDefinition/typeDescriptor/sequenceTypeDescriptor/string.json #1 oldCode":                                   excCurlyQuotes,
}

func TestParseCorpus(t *testing.T) {
	sources := loadCorpus(t)
	parsed, names := 0, 0
	seenExceptions := map[string]bool{}
	for _, s := range sources {
		f := ParseFile("case.bal", []byte(s.code), 0)
		checkModel(t, f)
		parsed++
		exc, isExc := corpusExceptions[s.id]
		if isExc {
			seenExceptions[s.id] = true
			if len(f.Diagnostics) == 0 {
				t.Errorf("%s: listed as invalid (%s) but parsed without diagnostics", s.id, exc.reason)
			} else if !strings.Contains(dumpDiags(f), exc.diag) {
				t.Errorf("%s: expected a diagnostic containing %q, got:\n%s", s.id, exc.diag, dumpDiags(f))
			}
			continue
		}
		if len(f.Diagnostics) > 0 {
			t.Errorf("%s (%s): unexpected diagnostics:\n%s--- source:\n%s", s.id, s.desc, dumpDiags(f), s.code)
			continue
		}
		for _, name := range mentionedNames(s.desc, s.code) {
			names++
			if !declaresName(f, name) && !inBody(f, name) {
				t.Errorf("%s (%s): name %q is declared in the source but not found in the model:\n%s", s.id, s.desc, name, dumpFile(f))
			}
		}
	}
	for id := range corpusExceptions {
		if !seenExceptions[id] {
			t.Errorf("exception %q matches no corpus source", id)
		}
	}
	t.Logf("parsed %d sources from the conformance corpus (%d listed as invalid); checked %d declared names", parsed, len(corpusExceptions), names)
	if names < 300 {
		t.Errorf("checked only %d names mentioned in case descriptions; the name extraction is broken", names)
	}
	if parsed <= 1000 {
		t.Errorf("parsed only %d sources, want more than 1000", parsed)
	}
}

// obviousDecl matches declarations that are obvious from the source text
// alone: the name after function, class, type, enum, const [T], and
// typed variables and fields of simple types.
var obviousDecl = []*regexp.Regexp{
	regexp.MustCompile(`\bfunction\s+(\w+)\s*\(`),
	regexp.MustCompile(`\b(?:class|type|enum)\s+(\w+)`),
	regexp.MustCompile(`\bconst\s+(?:\w+\s+)?(\w+)\s*=`),
	regexp.MustCompile(`(?m)^\s*(?:(?:public|private|final|configurable|isolated)\s+)*(?:int|string|float|boolean|decimal)\s+(\w+)\s*[=;]`),
}

// docLines matches documentation lines, which are prose.
var docLines = regexp.MustCompile(`(?m)^[ \t]*#.*$`)

// quotedName matches a name in quotes in a case description.
var quotedName = regexp.MustCompile(`'([A-Za-z_][A-Za-z0-9_]*)'`)

// mentionedNames returns the names that are obviously declared in code
// (see obviousDecl) and the names the description mentions in quotes that
// occur in the code.
func mentionedNames(desc, code string) []string {
	var names []string
	code = docLines.ReplaceAllString(code, "")
	for _, re := range obviousDecl {
		for _, m := range re.FindAllStringSubmatch(code, -1) {
			names = append(names, m[1])
		}
	}
	for _, m := range quotedName.FindAllStringSubmatch(desc, -1) {
		if regexp.MustCompile(`\b` + m[1] + `\b`).MatchString(code) {
			names = append(names, m[1])
		}
	}
	return names
}

// declaresName reports whether name is declared anywhere in f: a
// declaration, member, field, enum member or parameter.
func declaresName(f *File, name string) bool {
	var inMembers func(m *Members) bool
	inFunc := func(fn *FunctionDecl) bool {
		if fn.Name.Text == name {
			return true
		}
		if fn.Signature != nil {
			for _, p := range fn.Signature.Params {
				if p.Name.Text == name {
					return true
				}
			}
		}
		return false
	}
	inMembers = func(m *Members) bool {
		if m == nil {
			return false
		}
		for _, fl := range m.Fields {
			if fl.Name.Text == name {
				return true
			}
		}
		for _, fn := range m.Methods {
			if inFunc(fn) {
				return true
			}
		}
		return false
	}
	for _, d := range f.Decls {
		if d.Common().Name.Text == name {
			return true
		}
		switch d := d.(type) {
		case *FunctionDecl:
			if inFunc(d) {
				return true
			}
		case *ClassDecl:
			if inMembers(d.Members) {
				return true
			}
		case *ServiceDecl:
			if inMembers(d.Members) {
				return true
			}
		case *TypeDecl:
			if d.Structure != nil && inMembers(d.Structure.Members) {
				return true
			}
		case *EnumDecl:
			for _, m := range d.Members {
				if m.Name.Text == name {
					return true
				}
			}
		}
	}
	return false
}

// inBody reports whether name occurs in a function or method body (local
// variables are not part of the model).
func inBody(f *File, name string) bool {
	re := regexp.MustCompile(`\b` + name + `\b`)
	var found bool
	var fn func(d *FunctionDecl)
	fn = func(d *FunctionDecl) {
		if re.MatchString(d.Body.Text) {
			found = true
		}
	}
	members := func(m *Members) {
		if m != nil {
			for _, x := range m.Methods {
				fn(x)
			}
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *FunctionDecl:
			fn(d)
		case *ClassDecl:
			members(d.Members)
		case *ServiceDecl:
			members(d.Members)
		case *TypeDecl:
			if d.Structure != nil {
				members(d.Structure.Members)
			}
		}
	}
	return found
}
