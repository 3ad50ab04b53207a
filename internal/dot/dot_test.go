package dot

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

// summary renders a graph compactly for table tests:
// nodes as id{k=v,...}@subgraph, edges as from->to{...}@subgraph.
func summary(g *Graph) string {
	var b strings.Builder
	b.WriteString("name=" + g.Name + "\n")
	if len(g.Attrs) > 0 {
		b.WriteString("attrs=" + attrString(g.Attrs) + "\n")
	}
	for _, n := range g.Nodes {
		b.WriteString("node " + n.ID + attrString(n.Attrs))
		if n.Subgraph != "" {
			b.WriteString("@" + n.Subgraph)
		}
		b.WriteString("\n")
	}
	for _, e := range g.Edges {
		from, to := e.From, e.To
		if e.FromPort != "" {
			from += ":" + e.FromPort
		}
		if e.ToPort != "" {
			to += ":" + e.ToPort
		}
		b.WriteString("edge " + from + "->" + to + attrString(e.Attrs))
		if e.Subgraph != "" {
			b.WriteString("@" + e.Subgraph)
		}
		b.WriteString("\n")
	}
	for _, s := range g.Subgraphs {
		var ids []string
		for _, n := range s.Nodes {
			ids = append(ids, n.ID)
		}
		b.WriteString("subgraph " + s.Name + " nodes=" + strings.Join(ids, ",") + attrString(s.Attrs))
		b.WriteString("\n")
	}
	return b.String()
}

func attrString(as Attrs) string {
	if len(as) == 0 {
		return ""
	}
	var parts []string
	for _, a := range as {
		parts = append(parts, a.Key+"="+a.Value)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", `digraph {}`, "name=\n"},
		{"quoted name and nodes", `digraph "samejs/app:0.1.0" {
    "ballerina/http"
    "samjs/foo" [scope = "testOnly"]        // import used only from tests
    "samejs/app:0.1.0" [other_modules = "app.svc"]
}`, "name=samejs/app:0.1.0\nnode ballerina/http\nnode samjs/foo{scope=testOnly}\nnode samejs/app:0.1.0{other_modules=app.svc}\n"},
		{"edges declare nodes; attrs merge", `digraph g {
  "a:1" -> "b:2"
  "b:2" [scope = testOnly]
  "b:2" [repo = "local"] [scope = "x"]
}`, "name=g\nnode a:1\nnode b:2{scope=x,repo=local}\nedge a:1->b:2\n"},
		{"chain with attrs", `digraph { a -> b -> c [color=red] }`,
			"name=\nnode a\nnode b\nnode c\nedge a->b{color=red}\nedge b->c{color=red}\n"},
		{"subgraphs", `digraph central {
    subgraph "samjs/foo:1.2.1" {
        "samjs/foo:1.2.1" -> "samjs/bar:1.3.4"
        "samjs/foo:1.2.1" [other_modules = "foo.a, foo.a.bar"]
    }
    subgraph "samjs/bar:1.3.4" {
    }
}`, "name=central\nnode samjs/foo:1.2.1{other_modules=foo.a, foo.a.bar}@samjs/foo:1.2.1\nnode samjs/bar:1.3.4@samjs/foo:1.2.1\n" +
			"edge samjs/foo:1.2.1->samjs/bar:1.3.4@samjs/foo:1.2.1\nsubgraph samjs/foo:1.2.1 nodes=samjs/foo:1.2.1,samjs/bar:1.3.4\nsubgraph samjs/bar:1.3.4 nodes=\n"},
		{"graph attributes", `digraph index {
    subgraph "x/y:1.0.0" {
        "ballerinaVersion"="2201.0.0";
    }
    rankdir = LR; graph [label="t"]
}`, "name=index\nattrs={rankdir=LR,label=t}\nsubgraph x/y:1.0.0 nodes={ballerinaVersion=2201.0.0}\n"},
		{"comments", "# leading\ndigraph /* c */ g { /* multi\nline */ a // x\n b # y\n}", "name=g\nnode a\nnode b\n"},
		{"ports and node defaults", `digraph "r" {
	node [shape=record]
	"samejs/app" [label="<0.1.0> samejs/app:0.1.0"];
	"samejs/app":"0.1.0" -> "ballerina/http":"1.4.0";
}`, "name=r\nnode samejs/app{label=<0.1.0> samejs/app:0.1.0}\nnode ballerina/http\nedge samejs/app:0.1.0->ballerina/http:1.4.0\n"},
		{"escapes and concatenation", `digraph { "a\"b" + "c"; x [k=v; k2="w",] }`, "name=\nnode a\"bc\nnode x{k=v,k2=w}\n"},
		{"strict undirected numerals html", `strict graph G { 1 -- -2.5; a [label=<<b>x</b>>] }`,
			"name=G\nnode 1\nnode -2.5\nnode a{label=<b>x</b>}\nedge 1->-2.5\n"},
		{"keywords case-insensitive", `DiGraph X { SubGraph s { a } }`, "name=X\nnode a@s\nsubgraph s nodes=a\n"},
		{"anonymous subgraph", `digraph { { a -> b } }`, "name=\nnode a\nnode b\nedge a->b\nsubgraph  nodes=a,b\n"},
		{"valueless attribute", `digraph { a [bold] }`, "name=\nnode a{bold=true}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Parse(tt.name+".dot", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := summary(g); got != tt.want {
				t.Errorf("Parse(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{``, "e.dot:1:1: expected digraph or graph, found end of input"},
		{`digraph {`, "e.dot:1:10: missing } at the end of the input"},
		{`digraph { a -> }`, "e.dot:1:16: expected a node ID, found '}'"},
		{`digraph { "abc`, "e.dot:1:11: unterminated string"},
		{"digraph {\n  a [k = ] }", "e.dot:2:10: expected an attribute value, found ']'"},
		{`digraph { a -- b }`, "e.dot:1:13: -- used in a digraph"},
		{`graph { a -> b }`, "e.dot:1:11: -> used in a graph"},
		{`digraph { a } x`, "e.dot:1:15: unexpected 'x' after the end of the graph"},
		{`digraph { /* x`, "e.dot:1:11: unterminated /* comment"},
		{`digraph { a -> {b} }`, "e.dot:1:16: a subgraph cannot be an edge endpoint"},
		{`digraph { @ }`, "e.dot:1:11: unexpected character '@'"},
		{`digraph { - }`, `e.dot:1:11: invalid numeral "-"`},
		{`digraph { node a }`, "e.dot:1:16: expected [, found 'a'"},
	}
	for _, tt := range tests {
		_, err := Parse("e.dot", []byte(tt.in))
		var de *Error
		if !errors.As(err, &de) {
			t.Errorf("Parse(%q) error = %v, want *Error", tt.in, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %q, want %q", tt.in, err.Error(), tt.want)
		}
	}
}

// TestParseConformanceFiles parses every .dot file of the resolution
// conformance data (including the alternate revisions).
func TestParseConformanceFiles(t *testing.T) {
	root := handout.Path(t, "conformance", "resolution")
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".dot") || strings.Contains(filepath.Base(path), ".dot@")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := Parse(path, data); err != nil {
			t.Errorf("%v", err)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 150 {
		t.Errorf("parsed %d files, want at least 150", n)
	}
	t.Logf("parsed %d .dot files", n)
}

func TestGraphLookups(t *testing.T) {
	g, err := Parse("x.dot", []byte(`digraph { subgraph "s" { a [k=v] } b }`))
	if err != nil {
		t.Fatal(err)
	}
	if n := g.Node("a"); n == nil || n.Subgraph != "s" {
		t.Errorf("Node(a) = %+v", n)
	}
	if v, ok := g.Node("a").Attr("k"); !ok || v != "v" {
		t.Errorf("Attr(k) = %q, %v", v, ok)
	}
	if g.Node("zz") != nil || g.Subgraph("zz") != nil {
		t.Error("lookups of absent names are not nil")
	}
	if s := g.Subgraph("s"); s == nil || len(s.Nodes) != 1 {
		t.Errorf("Subgraph(s) = %+v", s)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`digraph "a" { "x" -> "y" [k=v] subgraph "s" { z } }`))
	f.Add([]byte("digraph { # c\n a /* b */ -> b -> c; k=v }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := Parse("fuzz.dot", data)
		if err != nil {
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not *Error", err)
			}
			return
		}
		for _, e := range g.Edges {
			if g.Node(e.From) == nil || g.Node(e.To) == nil {
				t.Fatalf("edge %s -> %s names an unknown node", e.From, e.To)
			}
		}
	})
}
