package project

import (
	"strings"
	"testing"
)

func TestWriteGraph(t *testing.T) {
	f := newFixture(t, appFiles)
	f.central("samjs/foo:1.2.0", "samjs/bar:1.0.0")
	f.central("samjs/bar:1.0.0")
	res := f.mustBuild(func(o *BuildOptions) { o.DryRun = true })
	want := map[string]string{
		GraphDOT: `digraph "myorg/app:0.1.0" {
	node [shape=record]
	"myorg/app" [label="<0.1.0> myorg/app:0.1.0"];
	"samjs/foo" [label="<1.2.0> samjs/foo:1.2.0"];
	"samjs/bar" [label="<1.0.0> samjs/bar:1.0.0"];

	// Edges
	"myorg/app":"0.1.0" -> "samjs/foo":"1.2.0";
	"samjs/foo":"1.2.0" -> "samjs/bar":"1.0.0";
}
`,
		GraphText: "myorg/app:0.1.0\n└── samjs/foo:1.2.0\n    └── samjs/bar:1.0.0\n",
	}
	for _, format := range []string{GraphDOT, GraphText} {
		var b strings.Builder
		if err := WriteGraph(&b, res.Graph, format); err != nil {
			t.Fatal(err)
		}
		if b.String() != want[format] {
			t.Errorf("%s:\n%s\nwant:\n%s", format, b.String(), want[format])
		}
	}
	var b strings.Builder
	if err := WriteGraph(&b, res.Graph, GraphJSON); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "{\n  \"root\": \"myorg/app:0.1.0\",\n") || !strings.HasSuffix(b.String(), "}\n") {
		t.Errorf("json:\n%s", b.String())
	}
	if err := WriteGraph(&b, res.Graph, "svg"); err == nil {
		t.Error("WriteGraph(svg) succeeded")
	}
}
