package syntax

import (
	"fmt"
	"strings"
	"testing"
)

// genParserBenchSource generates a realistic source of about size bytes:
// a block of imports, then repeated groups holding every declaration kind
// (documented functions with bodies and templates, classes, records,
// object types, services with resource methods, enums, constants,
// listeners, annotations, variables, xmlns). In the Go text below, '§'
// stands for a backtick.
func genParserBenchSource(size int) []byte {
	var b strings.Builder
	b.WriteString("// Generated benchmark module.\n\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "import org%d/module%d.part as m%d;\n", i, i, i)
	}
	b.WriteString("import ballerina/http;\n\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `# Adds two numbers, group %[1]d.
#
# + a - the first
# + b - the second
# + return - the sum
@display {label: "add%[1]d"}
public isolated function add%[1]d(int a, int b = 2, *Options%[1]d opts, string... rest) returns int|error {
    int total = a + b; // a comment with { braces
    string msg = string §+${a} ${ {x: "}"}["x"] } #%[1]d§;
    if total > 100 {
        return error("too big: " + msg);
    }
    foreach string r in rest {
        total += r.length();
    }
    return total;
}

function shape%[1]d() returns record {| int a; string b; |} => {a: %[1]d, b: "b"};

# Options for group %[1]d.
public type Options%[1]d record {|
    # The timeout.
    decimal timeout = 30;
    readonly string name;
    int[] retries?;
    *Base;
|};

type Union%[1]d int|string|map<record {| int x; |}>|();

public type Service%[1]d distinct isolated object {
    public int count;
    remote function call(string path) returns json|error;
};

public isolated client class Client%[1]d {
    *Named;
    private final string url;
    public int timeout = %[1]d;

    public isolated function init(string url) returns error? {
        self.url = url;
    }

    remote isolated function get(string path, map<string> headers = {}) returns record {| string body; |}|error {
        return {body: string §${self.url}/${path}§};
    }

    resource function get items/[int id]/details(string q = "x") returns string[] {
        return [q, id.toString()];
    }

    isolated function close() returns error? = @java:Method {name: "close"} external;
}

public enum Color%[1]d {
    # Red.
    RED%[1]d,
    GREEN%[1]d = "green",
    BLUE%[1]d
}

public const int MAX%[1]d = %[1]d;
configurable string host%[1]d = "localhost";
final map<int> counts%[1]d = {a: 1, b: 2};
isolated int counter%[1]d = 0;
public listener http:Listener lsn%[1]d = new (%[1]d);
public annotation record {| string v; |} Ann%[1]d on function, service;
xmlns "http://example.com/%[1]d" as ns%[1]d;

@http:ServiceConfig {cors: {allowOrigins: ["*"]}}
service /api/v%[1]d on lsn%[1]d {
    resource function get greeting(string name) returns string {
        return "Hello, " + name;
    }

    resource function post orders(@http:Payload json body) returns http:Created|error {
        return http:CREATED;
    }
}

`, i)
	}
	return []byte(strings.ReplaceAll(b.String(), "§", "`"))
}

func TestGenParserBenchSource(t *testing.T) {
	src := genParserBenchSource(200 << 10)
	f := ParseFile("bench.bal", src, 0)
	checkModel(t, f)
	if len(f.Diagnostics) > 0 {
		t.Fatalf("generated source has diagnostics:\n%.2000s", dumpDiags(f))
	}
	kinds := map[DeclKind]int{}
	for _, d := range f.Decls {
		kinds[d.Common().Kind]++
	}
	for k := DeclFunction; k <= DeclXMLNS; k++ {
		if kinds[k] == 0 {
			t.Errorf("generated source has no %s declaration", k)
		}
	}
	if len(f.Imports) != 31 {
		t.Errorf("%d imports, want 31", len(f.Imports))
	}
}

func BenchmarkParseFile(b *testing.B) {
	src := genParserBenchSource(1 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		ParseFile("bench.bal", src, 0)
	}
}

func BenchmarkParseFileImportsOnly(b *testing.B) {
	src := genParserBenchSource(1 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		ParseFile("bench.bal", src, ImportsOnly)
	}
}
