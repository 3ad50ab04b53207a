package web

import (
	"html/template"
	"slices"
	"strings"
	"testing"
)

// apiSource is a module that uses every kind of public declaration.
const apiSource = `import ballerina/http;

# Greets someone.
#
# + name - who to greet
# + loud - whether to **shout**
# + return - the greeting
public isolated function greet(string name, boolean loud = false) returns string {
    return "hi " + name;
}

# Old greeting.
#
# # Deprecated
# Use ` + "`greet`" + ` instead.
@deprecated
public function hello(string... names) returns string => "hello";

function internal() {}

# A client of the service.
public isolated client class Client {
    # The base URL.
    public final string url;
    private int count = 0;

    # Makes a client.
    #
    # + url - the URL
    public isolated function init(string url) {
        self.url = url;
    }

    # Gets things.
    #
    # + path - the path
    # + return - the things, or an error
    remote isolated function get(string path, *http:ClientConfiguration config) returns json|error {
        return {};
    }

    resource function get items/[int id]() returns string {
        return "";
    }

    function hidden() {}
}

# A point.
#
# + x - the x coordinate
# + y - the y coordinate
public type Point record {|
    int x;
    int y = 0;
    # The label.
    # # Deprecated
    # Labels are going away.
    string label?;
|};

# An API failure.
public type ApiError distinct error<record {| int code; |}>;

# Colours.
public enum Color {
    # Red.
    RED,
    GREEN = "green"
}

# The most retries.
public const int MAX = 3;

# An identifier.
public type Id string|int;

# The port.
public configurable int port = 9090;

# The endpoint.
public listener http:Listener ep = new (port);

# Marks things.
public annotation record {| string name; |} Tag on function;

# A shape.
public type Shape object {
    # Its area.
    # + return - the area
    public function area() returns float;
};

type Hidden record {};

# Says hello over HTTP.
service /hello on ep {
    # Greets.
    # + return - a greeting
    resource function get greeting(string name) returns string {
        return "hi " + name;
    }

    function helper() {}
}
`

func TestBuildModuleDoc(t *testing.T) {
	doc := BuildModuleDoc("acme.greeter", []SourceFile{
		{Name: "modules/greeter/main.bal", Src: []byte(apiSource)},
		{Name: "modules/greeter/broken.bal", Src: []byte("public function ok() {}\npublic function broken(int a {\n}\n\npublic const ALSO = 1;\n")},
	}, NewMarkdown())

	names := func(items []*ItemDoc) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Name)
		}
		return out
	}
	for _, g := range []struct {
		group string
		got   []string
		want  []string
	}{
		{"functions", names(items(doc.Functions)), []string{"broken", "greet", "hello", "ok"}},
		{"classes", names(items(doc.Classes)), []string{"Client"}},
		{"records", names(items(doc.Records)), []string{"Point"}},
		{"object types", names(items(doc.ObjectTypes)), []string{"Shape"}},
		{"errors", names(items(doc.Errors)), []string{"ApiError"}},
		{"types", names(items(doc.Types)), []string{"Id"}},
		{"constants", names(doc.Constants), []string{"ALSO", "MAX"}},
		{"enums", names(items(doc.Enums)), []string{"Color"}},
		{"variables", names(doc.Variables), []string{"port"}},
		{"listeners", names(doc.Listeners), []string{"ep"}},
		{"annotations", names(doc.Annotations), []string{"Tag"}},
	} {
		if !slices.Equal(g.got, g.want) {
			t.Errorf("%s = %q, want %q", g.group, g.got, g.want)
		}
	}
	if len(doc.Problems) == 0 || !strings.Contains(doc.Problems[0], "broken.bal:") {
		t.Errorf("Problems = %q, want the syntax error of broken.bal", doc.Problems)
	}

	greet := doc.Functions[1]
	contains(t, "greet description", greet.Description, "<p>Greets someone.</p>")
	contains(t, "greet signature", greet.Signature, `<span class="nf">greet</span>`, "boolean", "returns")
	if len(greet.Params) != 2 || greet.Params[0].Name != "name" || greet.Params[1].Default != "false" || greet.Params[1].Kind != "defaultable" {
		t.Fatalf("greet params = %+v", greet.Params)
	}
	contains(t, "loud description", greet.Params[1].Description, "<strong>shout</strong>")
	if greet.Return == nil || greet.Return.Type != "string" {
		t.Fatalf("greet return = %+v", greet.Return)
	}
	contains(t, "return description", greet.Return.Description, "the greeting")
	if !slices.Equal(greet.Qualifiers, []string{"isolated"}) {
		t.Errorf("greet qualifiers = %q", greet.Qualifiers)
	}

	hello := doc.Functions[2]
	if !hello.Deprecated || hello.Params[0].Kind != "rest" {
		t.Errorf("hello: deprecated %v, params %+v", hello.Deprecated, hello.Params)
	}
	contains(t, "hello deprecation", hello.Deprecation, "<code>greet</code>")

	client := doc.Classes[0]
	if len(client.Fields) != 1 || client.Fields[0].Name != "url" {
		t.Errorf("Client fields = %+v, want url only (count is private)", client.Fields)
	}
	contains(t, "url description", client.Fields[0].Description, "The base URL.")
	var methods []string
	for _, m := range client.Methods {
		methods = append(methods, m.Name)
	}
	if want := []string{"init", "get", "get items/[int id]"}; !slices.Equal(methods, want) {
		t.Errorf("Client methods = %q, want %q", methods, want)
	}
	get := client.Methods[1]
	if !slices.Contains(get.Qualifiers, "remote") || get.Params[1].Kind != "included record" || get.Return.Type != "json|error" {
		t.Errorf("get = %+v", get)
	}
	if client.Methods[2].Accessor != "get" || client.Methods[2].ResourcePath != "items/[int id]" {
		t.Errorf("resource method = %+v", client.Methods[2])
	}
	if client.Anchor == get.Anchor || get.Anchor == client.Methods[2].Anchor {
		t.Errorf("anchors are not unique: %q %q %q", client.Anchor, get.Anchor, client.Methods[2].Anchor)
	}

	point := doc.Records[0]
	if !point.Closed || len(point.Fields) != 3 {
		t.Fatalf("Point = %+v", point)
	}
	contains(t, "x description", point.Fields[0].Description, "the x coordinate")
	if point.Fields[1].Default != "0" || !point.Fields[2].Optional || !point.Fields[2].Deprecated {
		t.Errorf("Point fields = %+v %+v", point.Fields[1], point.Fields[2])
	}
	contains(t, "label deprecation", point.Fields[2].Deprecation, "going away")

	color := doc.Enums[0]
	if len(color.Members) != 2 || color.Members[1].Default != `"green"` {
		t.Errorf("Color members = %+v", color.Members)
	}
	contains(t, "RED description", color.Members[0].Description, "Red.")
	if got := doc.ObjectTypes[0].Methods; len(got) != 1 || got[0].Name != "area" {
		t.Errorf("Shape methods = %+v", got)
	}
	if len(doc.Constants) == 2 {
		contains(t, "MAX signature", doc.Constants[1].Signature, "MAX", "3")
	}

	if len(doc.Services) != 1 || doc.Services[0].Name != "/hello" || len(doc.Services[0].Methods) != 1 ||
		doc.Services[0].Methods[0].Name != "get greeting" {
		t.Errorf("services = %+v", doc.Services)
	} else {
		contains(t, "service signature", doc.Services[0].Signature, `<span class="k">service</span><span class="w"> </span><span class="p">/</span><span class="n">hello</span>`, `<span class="k">on</span>`)
		contains(t, "service description", doc.Services[0].Description, "Says hello over HTTP.")
		contains(t, "resource return", doc.Services[0].Methods[0].Return.Description, "a greeting")
	}

	var sections []string
	for _, s := range doc.Sections() {
		sections = append(sections, s.ID)
	}
	if want := []string{"functions", "classes", "records", "object-types", "errors", "types", "constants", "enums", "variables", "listeners", "services", "annotations"}; !slices.Equal(sections, want) {
		t.Errorf("sections = %q, want %q", sections, want)
	}
}

func TestBuildModuleDocHostile(t *testing.T) {
	for name, src := range map[string]string{
		"empty":     "",
		"binary":    "\x00\xff\xfe garbage \x01",
		"unclosed":  "public function f() {\n",
		"deep":      "public type T " + strings.Repeat("record {", 5000) + ";",
		"html docs": "# <script>alert(1)</script> [x](javascript:y)\npublic function f() {}\n",
	} {
		doc := BuildModuleDoc("m", []SourceFile{{Name: name + ".bal", Src: []byte(src)}}, NewMarkdown())
		for _, f := range doc.Functions {
			if strings.Contains(string(f.Description), "<script") || strings.Contains(string(f.Description), "href") {
				t.Errorf("%s: description %q is not sanitized", name, f.Description)
			}
		}
	}
}

func contains(t *testing.T, what string, got template.HTML, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(string(got), w) {
			t.Errorf("%s lacks %q: %s", what, w, got)
		}
	}
}
