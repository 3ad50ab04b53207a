package project

import (
	"fmt"
	"io"

	"github.com/balcentral/balcentral/internal/resolve"
)

// Output formats of bal graph.
const (
	GraphDOT  = "dot"  // Graphviz, the reference serializer's layout (formats.md §13)
	GraphText = "text" // an indented tree
	GraphJSON = "json" // resolve.JSONGraph
)

// GraphFormats lists the formats WriteGraph accepts, the default first.
var GraphFormats = []string{GraphDOT, GraphText, GraphJSON}

// WriteGraph writes g to w in format, each format ending with a newline
// (the DOT serializer itself adds none after the closing brace).
func WriteGraph(w io.Writer, g *resolve.Graph, format string) error {
	switch format {
	case GraphDOT:
		if err := g.WriteDOT(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n")
		return err
	case GraphText:
		return g.WriteText(w)
	case GraphJSON:
		return g.WriteJSON(w)
	}
	return fmt.Errorf("project: unknown graph format %q", format)
}
