// Package dot reads the subset of the Graphviz DOT language that the
// dependency-resolution conformance cases (and `bal graph` output) use.
//
// # Accepted language
//
//	graph     = [ "strict" ] ( "digraph" | "graph" ) [ ID ] "{" stmts "}"
//	stmts     = *( stmt [ ";" ] )
//	stmt      = attr-stmt | edge-stmt | node-stmt | ID "=" ID | subgraph
//	attr-stmt = ( "graph" | "node" | "edge" ) attr-list
//	attr-list = 1*( "[" [ a-list ] "]" )
//	a-list    = ID [ "=" ID ] *( ( "," | ";" ) ID [ "=" ID ] ) [ "," | ";" ]
//	edge-stmt = node-id 1*( ( "->" | "--" ) node-id ) [ attr-list ]
//	node-stmt = node-id [ attr-list ]
//	node-id   = ID [ ":" ID [ ":" ID ] ]
//	subgraph  = [ "subgraph" [ ID ] ] "{" stmts "}"
//
// An ID is an unquoted identifier (letters, digits, '_', '.', and any
// non-ASCII byte, not starting with a digit), a numeral, a double-quoted
// string (with \" for a quote; "a" + "b" concatenates) or an HTML string
// <...> with balanced angle brackets. Keywords are case-insensitive. Comments
// are // and # to the end of the line and /* ... */. Semicolons between
// statements are optional.
//
// Not supported: a subgraph as an edge endpoint (`a -> {b c}`), which the
// cases never use; it is reported as an error.
//
// # Model
//
// A [Graph] lists every node once, in order of first appearance, whether it
// was declared by a node statement or only named by an edge; attributes given
// in several statements are merged (a later value for the same key replaces
// the earlier one, keeping its position). Each node records the subgraph it
// first appeared in. Edges keep their order and the subgraph they were
// written in. Each [Subgraph] lists, in order, the nodes named inside it and
// its edges, so a repository file's `subgraph "org/name:1.0.0" { ... }` gives
// that package version's node (with its attributes) and edges directly.
// Nested subgraphs are flattened into the graph's subgraph list; the nodes and
// edges of an inner subgraph belong to it, not to the outer one.
//
// Errors are *[Error] values printed as "file:line:col: message".
package dot

import (
	"fmt"
	"strings"
)

// Attr is one attribute: key = value. Value is the unquoted text.
type Attr struct {
	Key, Value string
}

// Attrs is an ordered attribute list.
type Attrs []Attr

// Get returns the value of key and whether it is set.
func (as Attrs) Get(key string) (string, bool) {
	for _, a := range as {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// set replaces the value of key in place, or appends it.
func (as *Attrs) set(key, value string) {
	for i := range *as {
		if (*as)[i].Key == key {
			(*as)[i].Value = value
			return
		}
	}
	*as = append(*as, Attr{key, value})
}

// Pos is a 1-based line and column (in bytes) in the input.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Node is a node of the graph.
type Node struct {
	ID    string
	Attrs Attrs
	// Subgraph is the name of the subgraph the node first appeared in; ""
	// for the top level (or an anonymous subgraph).
	Subgraph string
	Pos      Pos // first appearance
}

// Attr returns the value of the node attribute key and whether it is set.
func (n *Node) Attr(key string) (string, bool) { return n.Attrs.Get(key) }

// Edge is one edge; a chain a -> b -> c gives two edges.
type Edge struct {
	From, To         string
	FromPort, ToPort string // the ":port" parts of the endpoints, "" when absent
	Attrs            Attrs
	Subgraph         string // the subgraph the edge was written in; "" at top level
	Pos              Pos
}

// Subgraph is a subgraph with the nodes named and the edges written in it.
type Subgraph struct {
	Name  string
	Attrs Attrs // ID = ID statements and graph [...] inside the subgraph
	Nodes []*Node
	Edges []*Edge
	Pos   Pos
}

// Graph is a parsed DOT graph.
type Graph struct {
	Name     string
	Strict   bool
	Directed bool
	// Attrs are the top level's ID = ID statements and graph [...] lists.
	Attrs     Attrs
	Nodes     []*Node
	Edges     []*Edge
	Subgraphs []*Subgraph

	byID map[string]*Node
}

// Node returns the node with the given ID, or nil.
func (g *Graph) Node(id string) *Node { return g.byID[id] }

// Subgraph returns the first subgraph with the given name, or nil.
func (g *Graph) Subgraph(name string) *Subgraph {
	for _, s := range g.Subgraphs {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Error is a syntax error.
type Error struct {
	Filename string
	Pos      Pos
	Msg      string
}

func (e *Error) Error() string {
	name := e.Filename
	if name == "" {
		name = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d: %s", name, e.Pos.Line, e.Pos.Col, e.Msg)
}

// Parse parses one DOT graph. The file name is used only in error
// messages. Anything but white space and comments after the closing brace is
// an error.
func Parse(filename string, data []byte) (*Graph, error) {
	p := &parser{lx: lexer{filename: filename, src: data, line: 1, col: 1}}
	p.next()
	g, err := p.graph()
	if err != nil {
		return nil, err
	}
	return g, nil
}

type parser struct {
	lx  lexer
	tok token
	g   *Graph
}

func (p *parser) next() { p.tok = p.lx.scan() }

func (p *parser) errorf(pos Pos, format string, args ...any) error {
	return &Error{Filename: p.lx.filename, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expect(k tokKind, what string) (token, error) {
	t := p.tok
	if t.kind == tokError {
		return t, p.errorf(t.pos, "%s", t.text)
	}
	if t.kind != k {
		return t, p.errorf(t.pos, "expected %s, found %s", what, t.describe())
	}
	p.next()
	return t, nil
}

func (p *parser) isKeyword(word string) bool {
	return p.tok.kind == tokID && !p.tok.quoted && strings.EqualFold(p.tok.text, word)
}

func (p *parser) graph() (*Graph, error) {
	g := &Graph{byID: make(map[string]*Node)}
	p.g = g
	if p.isKeyword("strict") {
		g.Strict = true
		p.next()
	}
	switch {
	case p.isKeyword("digraph"):
		g.Directed = true
	case p.isKeyword("graph"):
	default:
		if p.tok.kind == tokError {
			return nil, p.errorf(p.tok.pos, "%s", p.tok.text)
		}
		return nil, p.errorf(p.tok.pos, "expected digraph or graph, found %s", p.tok.describe())
	}
	p.next()
	if p.tok.kind == tokID {
		g.Name = p.tok.text
		p.next()
	}
	if _, err := p.expect(tokLBrace, "{"); err != nil {
		return nil, err
	}
	if err := p.stmts(nil); err != nil {
		return nil, err
	}
	if p.tok.kind == tokError {
		return nil, p.errorf(p.tok.pos, "%s", p.tok.text)
	}
	if p.tok.kind != tokEOF {
		return nil, p.errorf(p.tok.pos, "unexpected %s after the end of the graph", p.tok.describe())
	}
	return g, nil
}

// stmts parses statements up to and including the closing brace. sub is
// the enclosing subgraph, nil at the top level.
func (p *parser) stmts(sub *Subgraph) error {
	for {
		switch p.tok.kind {
		case tokRBrace:
			p.next()
			return nil
		case tokEOF:
			return p.errorf(p.tok.pos, "missing } at the end of the input")
		case tokSemi:
			p.next()
			continue
		}
		if err := p.stmt(sub); err != nil {
			return err
		}
	}
}

func (p *parser) stmt(sub *Subgraph) error {
	t := p.tok
	switch {
	case t.kind == tokError:
		return p.errorf(t.pos, "%s", t.text)
	case t.kind == tokLBrace || p.isKeyword("subgraph"):
		return p.subgraph()
	case p.isKeyword("graph"):
		p.next()
		attrs, err := p.attrLists(true)
		if err != nil {
			return err
		}
		for _, a := range attrs {
			p.graphAttrs(sub).set(a.Key, a.Value)
		}
		return nil
	case p.isKeyword("node") || p.isKeyword("edge"):
		// Default attributes for later nodes or edges: parsed, not applied.
		p.next()
		_, err := p.attrLists(true)
		return err
	case t.kind != tokID:
		return p.errorf(t.pos, "expected a statement, found %s", t.describe())
	}
	id, port, pos, err := p.nodeID()
	if err != nil {
		return err
	}
	switch p.tok.kind {
	case tokEquals:
		if port != "" {
			return p.errorf(pos, "a port is not allowed in an attribute statement")
		}
		p.next()
		v, err := p.expect(tokID, "an attribute value")
		if err != nil {
			return err
		}
		p.graphAttrs(sub).set(id, v.text)
		return nil
	case tokArrow:
		return p.edges(sub, id, port, pos)
	}
	attrs, err := p.attrLists(false)
	if err != nil {
		return err
	}
	n := p.node(sub, id, pos)
	for _, a := range attrs {
		n.Attrs.set(a.Key, a.Value)
	}
	return nil
}

func (p *parser) graphAttrs(sub *Subgraph) *Attrs {
	if sub != nil {
		return &sub.Attrs
	}
	return &p.g.Attrs
}

func (p *parser) subgraph() error {
	pos := p.tok.pos
	s := &Subgraph{Pos: pos}
	if p.isKeyword("subgraph") {
		p.next()
		if p.tok.kind == tokID {
			s.Name = p.tok.text
			p.next()
		}
	}
	if _, err := p.expect(tokLBrace, "{"); err != nil {
		return err
	}
	p.g.Subgraphs = append(p.g.Subgraphs, s)
	if err := p.stmts(s); err != nil {
		return err
	}
	if p.tok.kind == tokArrow {
		return p.errorf(p.tok.pos, "a subgraph cannot be an edge endpoint")
	}
	return nil
}

func (p *parser) nodeID() (id, port string, pos Pos, err error) {
	t, err := p.expect(tokID, "a node ID")
	if err != nil {
		return "", "", t.pos, err
	}
	id, pos = t.text, t.pos
	if p.tok.kind == tokColon {
		p.next()
		pt, err := p.expect(tokID, "a port")
		if err != nil {
			return "", "", pos, err
		}
		port = pt.text
		if p.tok.kind == tokColon { // compass point
			p.next()
			cp, err := p.expect(tokID, "a compass point")
			if err != nil {
				return "", "", pos, err
			}
			port += ":" + cp.text
		}
	}
	return id, port, pos, nil
}

func (p *parser) edges(sub *Subgraph, from, fromPort string, fromPos Pos) error {
	type end struct {
		id, port string
		pos      Pos
	}
	chain := []end{{from, fromPort, fromPos}}
	for p.tok.kind == tokArrow {
		if p.tok.text == "--" && p.g.Directed || p.tok.text == "->" && !p.g.Directed {
			return p.errorf(p.tok.pos, "%s used in a %s", p.tok.text, map[bool]string{true: "digraph", false: "graph"}[p.g.Directed])
		}
		p.next()
		if p.tok.kind == tokLBrace || p.isKeyword("subgraph") {
			return p.errorf(p.tok.pos, "a subgraph cannot be an edge endpoint")
		}
		id, port, pos, err := p.nodeID()
		if err != nil {
			return err
		}
		chain = append(chain, end{id, port, pos})
	}
	attrs, err := p.attrLists(false)
	if err != nil {
		return err
	}
	for _, e := range chain {
		p.node(sub, e.id, e.pos)
	}
	name := ""
	if sub != nil {
		name = sub.Name
	}
	for i := 0; i+1 < len(chain); i++ {
		e := &Edge{From: chain[i].id, FromPort: chain[i].port, To: chain[i+1].id, ToPort: chain[i+1].port,
			Attrs: append(Attrs(nil), attrs...), Subgraph: name, Pos: chain[i].pos}
		p.g.Edges = append(p.g.Edges, e)
		if sub != nil {
			sub.Edges = append(sub.Edges, e)
		}
	}
	return nil
}

// node returns the node named id, creating it on first use, and records it
// in sub.
func (p *parser) node(sub *Subgraph, id string, pos Pos) *Node {
	n := p.g.byID[id]
	if n == nil {
		n = &Node{ID: id, Pos: pos}
		if sub != nil {
			n.Subgraph = sub.Name
		}
		p.g.byID[id] = n
		p.g.Nodes = append(p.g.Nodes, n)
	}
	if sub != nil {
		found := false
		for _, m := range sub.Nodes {
			if m == n {
				found = true
				break
			}
		}
		if !found {
			sub.Nodes = append(sub.Nodes, n)
		}
	}
	return n
}

// attrLists parses zero or more [ ... ] lists (at least one if required).
func (p *parser) attrLists(required bool) (Attrs, error) {
	var out Attrs
	if required && p.tok.kind != tokLBracket {
		return nil, p.errorf(p.tok.pos, "expected [, found %s", p.tok.describe())
	}
	for p.tok.kind == tokLBracket {
		p.next()
		for p.tok.kind != tokRBracket {
			k, err := p.expect(tokID, "an attribute name or ]")
			if err != nil {
				return nil, err
			}
			v := "true"
			if p.tok.kind == tokEquals {
				p.next()
				vt, err := p.expect(tokID, "an attribute value")
				if err != nil {
					return nil, err
				}
				v = vt.text
			}
			out.set(k.text, v)
			if p.tok.kind == tokComma || p.tok.kind == tokSemi {
				p.next()
			}
		}
		p.next()
	}
	return out, nil
}
