package syntax

import (
	"strings"
	"testing"
)

// parseCase is one table-test case: a source and the dump of its model
// (see dumpFile), diagnostics included.
type parseCase struct {
	name string
	src  string
	want string
}

func runParseCases(t *testing.T, cases []parseCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := ParseFile("t.bal", []byte(tc.src), 0)
			checkModel(t, f)
			got := dumpFile(f)
			want := strings.TrimPrefix(tc.want, "\n")
			if got != want {
				t.Errorf("source:\n%s\n--- got:\n%s--- want:\n%s", tc.src, got, want)
			}
		})
	}
}

func TestParseImports(t *testing.T) {
	runParseCases(t, []parseCase{
		{"org and module", "import ballerina/http;", `
import org="ballerina" module="http" prefix="" @1:1
`},
		{"no org", "import foo;\nimport a.b.c;", `
import org="" module="foo" prefix="" @1:1
import org="" module="a.b.c" prefix="" @2:1
`},
		{"dotted module and prefix", "import ballerinax/googleapis.gmail as gm;", `
import org="ballerinax" module="googleapis.gmail" prefix="gm" @1:1
`},
		{"side effect", "import ballerinax/java.jdbc as _;\nimport ballerinax/mysql.driver as _;", `
import org="ballerinax" module="java.jdbc" prefix="_" @1:1
import org="ballerinax" module="mysql.driver" prefix="_" @2:1
`},
		{"quoted parts", "import ballerina/lang.'int as ints;\nimport 'ballerina/'lang.'value;", `
import org="ballerina" module="lang.int" prefix="ints" @1:1
import org="ballerina" module="lang.value" prefix="" @2:1
`},
		{"whitespace and comments inside", "import  ballerina / io // the io module\n ;", `
import org="ballerina" module="io" prefix="" @1:1
`},
		{"imports then declarations", "import ballerina/io;\n\npublic function main() {\n    io:println(\"hi\");\n}\n", `
import org="ballerina" module="io" prefix="" @1:1
function main quals=[public] public @3:1
  body block "{\n    io:println(\"hi\");\n}"
`},
	})
}

func TestParseImportErrors(t *testing.T) {
	runParseCases(t, []parseCase{
		{"missing semicolon before next import", "import ballerina/io\nimport ballerina/http;", `
import org="ballerina" module="io" prefix="" @1:1
import org="ballerina" module="http" prefix="" @2:1
diag 2:1 error: expected ';' after import declaration, found 'import'
`},
		{"garbage then recovery", "import ballerina/io foo bar;\nimport x/y;\n", `
import org="ballerina" module="io" prefix="" @1:1
import org="x" module="y" prefix="" @2:1
diag 1:21 error: expected ';' after import declaration, found 'foo'
`},
		{"missing module", "import ballerina/;\nimport x/y;", `
import org="x" module="y" prefix="" @2:1
diag 1:18 error: expected module name after '/', found ';'
`},
		{"nothing after import", "import\nfunction f() {}", `
function f @2:1
  body block "{}"
diag 2:1 error: expected organization or module name after 'import', found 'function'
`},
		{"bad prefix", "import a/b as 1;\nimport c/d;", `
import org="a" module="b" prefix="" @1:1
import org="c" module="d" prefix="" @2:1
diag 1:15 error: expected import prefix after 'as', found '1'
`},
		{"duplicate module", "import a/b;\nimport a/b as c;", `
import org="a" module="b" prefix="" @1:1
import org="a" module="b" prefix="c" @2:1
diag 2:1 error: duplicate import of module 'a/b' (first imported at 1:1)
`},
		{"duplicate prefix", "import a/x.io;\nimport b/io;", `
import org="a" module="x.io" prefix="" @1:1
import org="b" module="io" prefix="" @2:1
diag 2:1 error: import prefix 'io' is already bound by the import of 'a/x.io' at 1:1
`},
		{"underscore prefixes do not clash", "import a/b as _;\nimport c/d as _;", `
import org="a" module="b" prefix="_" @1:1
import org="c" module="d" prefix="_" @2:1
`},
		{"same module with and without org", "import foo;\nimport x/foo as bar;", `
import org="" module="foo" prefix="" @1:1
import org="x" module="foo" prefix="bar" @2:1
`},
		{"late import", "int x = 1;\nimport a/b;\nfunction f() {}", `
import org="a" module="b" prefix="" @2:1
variable x @1:1
  type "int"
  init "1"
function f @3:1
  body block "{}"
diag 2:1 error: imports must come before other declarations
`},
		{"not a restricted identifier", "import my__org/lang.__internal;", `
import org="my__org" module="lang.__internal" prefix="" @1:1
diag 1:8 warning: 'my__org' is not a valid organization or module name: expected an ASCII letter followed by letters, digits and single underscores
diag 1:21 warning: '__internal' is not a valid organization or module name: expected an ASCII letter followed by letters, digits and single underscores
`},
		{"unquoted keyword part", "import ballerina/lang.int;", `
import org="ballerina" module="lang.int" prefix="" @1:1
diag 1:23 error: reserved keyword 'int' must be quoted ('int) in an import declaration
`},
		{"documentation on import", "# doc\nimport a/b;", `
import org="a" module="b" prefix="" @2:1
diag 1:1 error: documentation and annotations are not allowed on an import declaration
`},
	})
}

func TestParseFunctions(t *testing.T) {
	runParseCases(t, []parseCase{
		{"every parameter kind", "function f(int a, string b = \"x\", *Opts opts, int... rest) {}", `
function f @1:1
  param REQUIRED_PARAM type="int" name=a
  param DEFAULTABLE_PARAM type="string" name=b default="\"x\""
  param INCLUDED_RECORD_PARAM type="Opts" name=opts
  param REST_PARAM type="int" name=rest
  body block "{}"
`},
		{"inferred typedesc default and annotations", "public isolated function get(@untainted string path, typedesc<anydata> td = <>) returns td|error = @java:Method {'class: \"x.Y\"} external;", `
function get quals=[public isolated] public @1:1
  param REQUIRED_PARAM type="string" name=path @untainted
  param DEFAULTABLE_PARAM type="typedesc<anydata>" name=td default="<>"
  returns "td|error"
  body external "@java:Method {'class: \"x.Y\"} external"
`},
		{"complex types and defaults", "function g(map<string|int> m = {a: 1, b: f(2, 3)}, [int, string][] t = [], function (int) returns int fn = h, record {| int x; |}? r = ()) {}", `
function g @1:1
  param DEFAULTABLE_PARAM type="map<string|int>" name=m default="{a: 1, b: f(2, 3)}"
  param DEFAULTABLE_PARAM type="[int, string][]" name=t default="[]"
  param DEFAULTABLE_PARAM type="function (int) returns int" name=fn default="h"
  param DEFAULTABLE_PARAM type="record {| int x; |}?" name=r default="()"
  body block "{}"
`},
		{"default with comparison", "function h(boolean b = 1 < 2, int c = x > 3 ? 1 : 2) {}", `
function h @1:1
  param DEFAULTABLE_PARAM type="boolean" name=b default="1 < 2"
  param DEFAULTABLE_PARAM type="int" name=c default="x > 3 ? 1 : 2"
  body block "{}"
`},
		{"returns closed record", "function r() returns record {| int a; string b; |} {\n    return {a: 1, b: \"\"};\n}", `
function r @1:1
  returns "record {| int a; string b; |}"
  body block "{\n    return {a: 1, b: \"\"};\n}"
`},
		{"returns object", "function o() returns object { int x; function f(); } {\n    return object { int x = 1; function f() {} };\n}", `
function o @1:1
  returns "object { int x; function f(); }"
  body block "{\n    return object { int x = 1; function f() {} };\n}"
`},
		{"returns map of record", "function m() returns map<record {}> { return {}; }", `
function m @1:1
  returns "map<record {}>"
  body block "{ return {}; }"
`},
		{"returns optional error", "function e() returns error? {}", `
function e @1:1
  returns "error?"
  body block "{}"
`},
		{"returns stream", "function s() returns stream<int, error?> { return new; }", `
function s @1:1
  returns "stream<int, error?>"
  body block "{ return new; }"
`},
		{"returns nested type parameters", "function n() returns map<map<int>>|table<Row> key(id) { }", `
function n @1:1
  returns "map<map<int>>|table<Row> key(id)"
  body block "{ }"
`},
		{"returns annotated union array", "function a() returns @tainted (int|string)[] {}", `
function a @1:1
  returns "(int|string)[]" @tainted
  body block "{}"
`},
		{"returns function type", "function ft() returns function (int) returns int { return x => x; }", `
function ft @1:1
  returns "function (int) returns int"
  body block "{ return x => x; }"
`},
		{"returns readonly intersection", "function ro() returns readonly & record {int a;} {}", `
function ro @1:1
  returns "readonly & record {int a;}"
  body block "{}"
`},
		{"expression body", "function double(int x) returns int => x * 2;", `
function double @1:1
  param REQUIRED_PARAM type="int" name=x
  returns "int"
  body expr "x * 2"
`},
		{"expression body with braces", "isolated function mk() returns map<int> => {a: 1, b: 2};", `
function mk quals=[isolated] @1:1
  returns "map<int>"
  body expr "{a: 1, b: 2}"
`},
		{"external without annotation", "function ext() = external;", `
function ext @1:1
  body external "external"
`},
		{"block body with strings, templates and comments", "function b() {\n    string s = \"}\"; // }\n    string t = string `${ {a: \"}\"}.toString() } }`;\n}\nfunction after() {}", `
function b @1:1
  body block "{\n    string s = \"}\"; // }\n    string t = string ` + "`${ {a: \\\"}\\\"}.toString() } }`" + `;\n}"
function after @5:1
  body block "{}"
`},
		{"transactional and quoted name", "transactional function 'start() {}\npublic isolated transactional function 'from() {}", `
function start quals=[transactional] @1:1
  body block "{}"
function from quals=[public isolated transactional] public @2:1
  body block "{}"
`},
		{"keyword method names", "function map() {}\nfunction join() {}", `
function map @1:1
  body block "{}"
function join @2:1
  body block "{}"
`},
		{"optional semicolon after block", "function f() {};\nfunction g() {}", `
function f @1:1
  body block "{}"
function g @2:1
  body block "{}"
`},
	})
}

func TestParseTypes(t *testing.T) {
	runParseCases(t, []parseCase{
		{"simple", "public type Age int;\ntype Id string|int;\ntype Nil ();\ntype N null;", `
type Age quals=[public] public @1:1
  type "int"
type Id @2:1
  type "string|int"
type Nil @3:1
  type "()"
type N @4:1
  type "null"
`},
		{"open record", "type Person record {\n    string name;\n    int age?;\n    string city = \"Colombo\";\n    readonly string id;\n    *Base;\n};", `
type Person @1:1
  type "record {\n    string name;\n    int age?;\n    string city = \"Colombo\";\n    readonly string id;\n    *Base;\n}"
  structure record closed=false
    include "Base"
    field name type="string"
    field age type="int" optional
    field city type="string" default="\"Colombo\""
    field id quals=[readonly] type="string"
`},
		{"closed record with rest", "public type Row record {|\n    int id;\n    readonly & string[] tags;\n    readonly r;\n    anydata...;\n|};", `
type Row quals=[public] public @1:1
  type "record {|\n    int id;\n    readonly & string[] tags;\n    readonly r;\n    anydata...;\n|}"
  structure record closed=true
    field id type="int"
    field tags type="readonly & string[]"
    field r type="readonly"
    rest "anydata"
`},
		{"readonly as qualifier or type", "type R record {| readonly [int, string] t; readonly[] a; readonly? b; readonly|int c; readonly Foo? d; |};", `
type R @1:1
  type "record {| readonly [int, string] t; readonly[] a; readonly? b; readonly|int c; readonly Foo? d; |}"
  structure record closed=true
    field t quals=[readonly] type="[int, string]"
    field a type="readonly[]"
    field b type="readonly?"
    field c type="readonly|int"
    field d quals=[readonly] type="Foo?"
`},
		{"record field metadata", "type R record {\n    # The name.\n    @constraint:String {minLength: 1}\n    string name;\n};", `
type R @1:1
  type "record {\n    # The name.\n    @constraint:String {minLength: 1}\n    string name;\n}"
  structure record closed=false
    field name type="string"
      doc "# The name."
      @constraint:String "{minLength: 1}"
`},
		{"readonly record and trailing readonly", "type A readonly & record {| int a; |};\ntype B record {| int b; |} & readonly;", `
type A @1:1
  type "readonly & record {| int a; |}"
  structure record closed=true quals=[readonly]
    field a type="int"
type B @2:1
  type "record {| int b; |} & readonly"
  structure record closed=true quals=[readonly]
    field b type="int"
`},
		{"record in union is not structured", "type U record {int a;}|int;", `
type U @1:1
  type "record {int a;}|int"
`},
		{"object type", "public type Shape distinct isolated object {\n    public float area;\n    *Named;\n    public function area() returns float;\n    remote function move(int dx) returns error?;\n};", `
type Shape quals=[public] public @1:1
  type "distinct isolated object {\n    public float area;\n    *Named;\n    public function area() returns float;\n    remote function move(int dx) returns error?;\n}"
  structure object closed=false quals=[distinct isolated]
    include "Named"
    field area quals=[public] type="float"
    function area quals=[public] public @4:5
      returns "float"
      body none
    function move quals=[remote] @5:5
      param REQUIRED_PARAM type="int" name=dx
      returns "error?"
      body none
`},
		{"client object", "type C client object { remote function get() returns string; };", `
type C @1:1
  type "client object { remote function get() returns string; }"
  structure object closed=false quals=[client]
    function get quals=[remote] @1:24
      returns "string"
      body none
`},
		{"function, table, tuple, singleton types", "type F isolated function (int x, string... y) returns boolean;\ntype T table<Row> key(id);\ntype Tup [int, string...];\ntype S \"a\"|\"b\"|-1|+2.5;\ntype E distinct error<record {| string code; |}>;\ntype X xml:Element;", `
type F @1:1
  type "isolated function (int x, string... y) returns boolean"
type T @2:1
  type "table<Row> key(id)"
type Tup @3:1
  type "[int, string...]"
type S @4:1
  type "\"a\"|\"b\"|-1|+2.5"
type E @5:1
  type "distinct error<record {| string code; |}>"
type X @6:1
  type "xml:Element"
`},
		{"real-world shapes", "public type Q record {||};\npublic type S distinct service object {\n\n};\npublic type U anydata|Response\n    |stream<SseEvent, error>;\ntype E record { int 'retry?; };", `
type Q quals=[public] public @1:1
  type "record {||}"
  structure record closed=true
type S quals=[public] public @2:1
  type "distinct service object {\n\n}"
  structure object closed=false quals=[distinct service]
type U quals=[public] public @5:1
  type "anydata|Response\n    |stream<SseEvent, error>"
type E @7:1
  type "record { int 'retry?; }"
  structure record closed=false
    field retry type="int" optional
`},
		{"arrays", "type A int[];\ntype B string[3][*];\ntype C int[N];\ntype D m:T[m:N]?;", `
type A @1:1
  type "int[]"
type B @2:1
  type "string[3][*]"
type C @3:1
  type "int[N]"
type D @4:1
  type "m:T[m:N]?"
`},
	})
}

func TestParseClasses(t *testing.T) {
	runParseCases(t, []parseCase{
		{"members", `public isolated client class Client {
    *Base;
    final string url;
    private int count = 0;
    public http:Client? c = ();

    # Creates it.
    # + url - the URL
    public isolated function init(string url) returns error? {
        self.url = url;
    }

    @display {label: "Get"}
    remote isolated function get(string path) returns record {| string body; |}|error {
        return {body: ""};
    }

    resource function get users/[int id]/orders(string status = "open") returns Order[] {
        return [];
    }

    resource function post .(@http:Payload Order o) returns int => 1;

    private function helper() {}
}`, `
class Client quals=[public isolated client] public @1:1
  include "Base"
  field url quals=[final] type="string"
  field count quals=[private] type="int" default="0"
  field c quals=[public] type="http:Client?" default="()"
  function init quals=[public isolated] public @9:5
    doc "# Creates it.\n# + url - the URL"
    param REQUIRED_PARAM type="string" name=url
    returns "error?"
    body block "{\n        self.url = url;\n    }"
  function get quals=[remote isolated] @14:5
    @display "{label: \"Get\"}"
    param REQUIRED_PARAM type="string" name=path
    returns "record {| string body; |}|error"
    body block "{\n        return {body: \"\"};\n    }"
  function get quals=[resource] @18:5
    accessor get
    path "users/[int id]/orders"
    param DEFAULTABLE_PARAM type="string" name=status default="\"open\""
    returns "Order[]"
    body block "{\n        return [];\n    }"
  function post quals=[resource] @22:5
    accessor post
    path "."
    param REQUIRED_PARAM type="Order" name=o @http:Payload
    returns "int"
    body expr "1"
  function helper quals=[private] @24:5
    body block "{}"
`},
		{"class qualifiers in order", "readonly distinct service class S {}\nclass Empty {};", `
class S quals=[readonly distinct service] @1:1
class Empty @2:1
`},
		{"function-typed and object-typed fields", "class K {\n    isolated function (int) returns int f;\n    function () g = () => ();\n    isolated object {} o;\n}", `
class K @1:1
  field f type="isolated function (int) returns int"
  field g type="function ()" default="() => ()"
  field o type="isolated object {}"
`},
		{"resource paths", "service on ep {\n    resource function get [string... rest]() {}\n    resource function 'default [string id]/'type/x\\-y() {}\n    resource function get greeting/hello(string name) returns string => \"\";\n}", `
service @1:1
  listener "ep"
  function get quals=[resource] @2:5
    accessor get
    path "[string... rest]"
    body block "{}"
  function default quals=[resource] @3:5
    accessor default
    path "[string id]/'type/x\\-y"
    body block "{}"
  function get quals=[resource] @4:5
    accessor get
    path "greeting/hello"
    param REQUIRED_PARAM type="string" name=name
    returns "string"
    body expr "\"\""
`},
	})
}

func TestParseServices(t *testing.T) {
	runParseCases(t, []parseCase{
		{"absolute path and listener", "service /hello/world on new http:Listener(9090) {\n    resource function get greeting() returns string {\n        return \"Hello\";\n    }\n}", `
service @1:1
  attach "/hello/world"
  listener "new http:Listener(9090)"
  function get quals=[resource] @2:5
    accessor get
    path "greeting"
    returns "string"
    body block "{\n        return \"Hello\";\n    }"
`},
		{"root path, several listeners, isolated, type", "isolated service http:Service / on ep1, new http:Listener(8080, {host: \"x\"}) {\n    int counter = 0;\n    remote function onMessage(string m) {}\n};", `
service quals=[isolated] @1:1
  type "http:Service"
  attach "/"
  listener "ep1"
  listener "new http:Listener(8080, {host: \"x\"})"
  field counter type="int" default="0"
  function onMessage quals=[remote] @3:5
    param REQUIRED_PARAM type="string" name=m
    body block "{}"
`},
		{"string attach point and annotations", "# The service.\n@http:ServiceConfig {cors: {allowOrigins: [\"*\"]}}\nservice \"queue\" on lsn {\n}", `
service @3:1
  doc "# The service."
  @http:ServiceConfig "{cors: {allowOrigins: [\"*\"]}}"
  attach "\"queue\""
  listener "lsn"
`},
		{"no attach point", "service on new Listener() {}", `
service @1:1
  listener "new Listener()"
`},
		{"path with escapes and quoted segments", "service /api/'v1/x\\-y on ep {}", `
service @1:1
  attach "/api/'v1/x\\-y"
  listener "ep"
`},
	})
}

func TestParseOtherDecls(t *testing.T) {
	runParseCases(t, []parseCase{
		{"const", "public const int MAX = 10;\nconst NAME = \"n\";\nconst map<int> M = {a: 1};\nconst X = -1 + 2;", `
const MAX quals=[public] public @1:1
  type "int"
  value "10"
const NAME @2:1
  value "\"n\""
const M @3:1
  type "map<int>"
  value "{a: 1}"
const X @4:1
  value "-1 + 2"
`},
		{"enum", "# Colours.\npublic enum Color {\n    # Red.\n    RED,\n    @deprecated\n    GREEN = \"g\",\n    BLUE = \"b\" + \"\"\n}", `
enum Color quals=[public] public @2:1
  doc "# Colours."
  member RED
    doc "# Red."
  member GREEN = "\"g\""
    @deprecated
  member BLUE = "\"b\" + \"\""
`},
		{"enum with semicolon and quoted member", "enum E { 'A, B };", `
enum E @1:1
  member A
  member B
`},
		{"listener", "public listener http:Listener ep = new (9090);\nlistener lsn = new http:Listener(8080);", `
listener ep quals=[public] public @1:1
  type "http:Listener"
  init "new (9090)"
listener lsn @2:1
  init "new http:Listener(8080)"
`},
		{"annotation declarations", "public annotation ServiceConfig on service;\nannotation record {| string label; |} display on source type, function, object field, service remote function;\nconst annotation Tag;\npublic const annotation map<string> Meta on source listener;", `
annotation ServiceConfig quals=[public] public @1:1
  on ["service"]
annotation display @2:1
  type "record {| string label; |}"
  on ["source type" "function" "object field" "service remote function"]
annotation Tag quals=[const] @3:1
annotation Meta quals=[public const] public @4:1
  type "map<string>"
  on ["source listener"]
`},
		{"xmlns", "xmlns \"http://example.com/ns\" as ns;\nxmlns \"urn:default\";", `
xmlns @1:1
  uri "\"http://example.com/ns\""
  prefix ns
xmlns @2:1
  uri "\"urn:default\""
`},
		{"variables", "public configurable int port = ?;\nconfigurable string host = \"localhost\";\nfinal string s = \"x\";\nisolated int count = 0;\nvar v = f();\nint noInit;\npublic final readonly & string[] names = [];\nhttp:Client c = check new (\"http://x\");", `
variable port quals=[public configurable] public @1:1
  type "int"
  init "?"
variable host quals=[configurable] @2:1
  type "string"
  init "\"localhost\""
variable s quals=[final] @3:1
  type "string"
  init "\"x\""
variable count quals=[isolated] @4:1
  type "int"
  init "0"
variable v @5:1
  type "var"
  init "f()"
variable noInit @6:1
  type "int"
variable names quals=[public final] public @7:1
  type "readonly & string[]"
  init "[]"
variable c @8:1
  type "http:Client"
  init "check new (\"http://x\")"
`},
		{"binding patterns", "[int, string] [a, b] = [1, \"x\"];\nvar {x, y: z} = m;\nerror error(msg) = e;\nint[] [p] = [1];", `
variable @1:1
  type "[int, string]"
  binding "[a, b]"
  init "[1, \"x\"]"
variable @2:1
  type "var"
  binding "{x, y: z}"
  init "m"
variable @3:1
  type "error"
  binding "error(msg)"
  init "e"
variable @4:1
  type "int[]"
  binding "[p]"
  init "[1]"
`},
		{"function-typed and object-typed variables", "isolated function (int) returns int inc = x => x + 1;\nfinal isolated function () f = g;\nservice object {} so = service object { };\nfunction () returns string h = () => \"\";", `
variable inc @1:1
  type "isolated function (int) returns int"
  init "x => x + 1"
variable f quals=[final] @2:1
  type "isolated function ()"
  init "g"
variable so @3:1
  type "service object {}"
  init "service object { }"
variable h @4:1
  type "function () returns string"
  init "() => \"\""
`},
		{"initializer with templates and braces", "string q = string `SELECT ${ {a: 1}[\"a\"] } // not a comment # not doc`;\nint after = 1;", `
variable q @1:1
  type "string"
  init "string ` + "`SELECT ${ {a: 1}[\\\"a\\\"] } // not a comment # not doc`" + `"
variable after @2:1
  type "int"
  init "1"
`},
	})
}

func TestParseMetadata(t *testing.T) {
	runParseCases(t, []parseCase{
		{"doc attaches to the next declaration only", "# Doc for a.\nint a = 1;\nint b = 2;", `
variable a @2:1
  doc "# Doc for a."
  type "int"
  init "1"
variable b @3:1
  type "int"
  init "2"
`},
		{"doc then annotations", "# Adds.\n# + x - one\n# + return - sum\n# # Deprecated\n# use add2\n@deprecated\n@display {label: \"Add\", iconPath: \"a.png\"}\npublic function add(int x) returns int => x;", `
function add quals=[public] public @8:1
  doc "# Adds.\n# + x - one\n# + return - sum\n# # Deprecated\n# use add2"
  @deprecated
  @display "{label: \"Add\", iconPath: \"a.png\"}"
  param REQUIRED_PARAM type="int" name=x
  returns "int"
  body expr "x"
`},
		{"indented doc and quoted annotation tag", "  # Indented.\n@'tainted\nint x = 1;", `
variable x @3:1
  doc "# Indented."
  @tainted
  type "int"
  init "1"
`},
		{"doc groups separated by blank lines and comments are combined", "# Description.\n\n# + a - the a\n// a comment\n# + b - the b\nint x = 1;", `
variable x @6:1
  doc "# Description.\n# + a - the a\n# + b - the b"
  type "int"
  init "1"
`},
		{"doc after annotations", "@a\n# Late doc.\nint x = 1;", `
variable x @3:1
  doc "# Late doc."
  @a
  type "int"
  init "1"
diag 2:1 error: documentation must come before annotations
`},
		{"dangling metadata at end", "int x = 1;\n# Nothing follows.\n@a", `
variable x @1:1
  type "int"
  init "1"
diag 2:1 warning: documentation is not attached to a declaration
diag 3:1 error: annotation is not attached to a declaration
`},
		{"annotations on every member kind", "type T record {\n    @a int x;\n};\nenum E { @b A }\nclass C {\n    @c int y = 0;\n    @d function f() {}\n}", `
type T @1:1
  type "record {\n    @a int x;\n}"
  structure record closed=false
    field x type="int"
      @a
enum E @4:1
  member A
    @b
class C @5:1
  field y type="int" default="0"
    @c
  function f @7:8
    @d
    body block "{}"
`},
	})
}

func TestTextWithTrivia(t *testing.T) {
	cases := []struct {
		src, want string
	}{
		{"function f() returns int {}", "int "},
		{"function f() returns int{}", "int"},
		{"function f() returns int   // the result\n{}", "int   // the result\n"},
		{"function f() returns int\r\n\r\n{}", "int\r\n"},
		{"function f() returns int\r{}", "int\r"},
		{"function f() returns int \t\f\n  \n{}", "int \t\f\n"},
		{"function f() returns record {| int a; |} {}", "record {| int a; |} "},
		{"function f() returns int => 1;", "int "},
		{"function f() returns error?", "error?"},
	}
	for _, tc := range cases {
		f := ParseFile("t.bal", []byte(tc.src), 0)
		checkModel(t, f)
		if len(f.Decls) != 1 {
			t.Errorf("%q: %d decls", tc.src, len(f.Decls))
			continue
		}
		ret := f.Decls[0].(*FunctionDecl).Signature.Returns
		if got := f.TextWithTrivia(ret); got != tc.want {
			t.Errorf("%q: TextWithTrivia = %q, want %q", tc.src, got, tc.want)
		}
	}
	f := ParseFile("t.bal", []byte("int 'x = 1 ;"), 0)
	if got := f.TextWithTrivia(Text{}); got != "" {
		t.Errorf("absent Text: %q", got)
	}
	v := f.Decls[0].(*VarDecl)
	if got := f.TextWithTrivia(v.Name); got != "'x " {
		t.Errorf("name with trivia: %q, want the source spelling \"'x \"", got)
	}
	if got := f.TextWithTrivia(v.Init); got != "1 " {
		t.Errorf("init with trivia: %q", got)
	}
}

func TestParseImportsOnly(t *testing.T) {
	src := "// header\nimport a/b;\nimport c/d.e as f;\n\nfunction g() { %%% }\nimport late/x;\n"
	f := ParseFile("t.bal", []byte(src), ImportsOnly)
	checkModel(t, f)
	want := `
import org="a" module="b" prefix="" @2:1
import org="c" module="d.e" prefix="f" @3:1
`[1:]
	if got := dumpFile(f); got != want {
		t.Errorf("ImportsOnly:\n%s--- want:\n%s", got, want)
	}
	full := ParseFile("t.bal", []byte(src), 0)
	if len(full.Imports) != 3 || len(full.Decls) != 1 {
		t.Errorf("full parse:\n%s", dumpFile(full))
	}
	// Diagnostics in the import section are reported in ImportsOnly mode.
	f = ParseFile("t.bal", []byte("import a/b\nimport c/d;\nint x = 1"), ImportsOnly)
	if got, want := dumpDiags(f), "2:1 error: expected ';' after import declaration, found 'import'\n"; got != want {
		t.Errorf("ImportsOnly diagnostics:\n%s--- want:\n%s", got, want)
	}
}
