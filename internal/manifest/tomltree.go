package manifest

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// This file turns TOML text into a tree in which every key, table and value
// remembers where it was written. The Ballerina manifests report problems as
// "file:line:col: message", so the usual decode-into-a-struct approach, which
// forgets positions, is not enough. go-toml's unstable parser provides the
// syntax; the rules that TOML places on how tables may be (re)defined are
// enforced here.

// Kind is the type of a TOML value.
type Kind int

// The TOML value kinds.
const (
	KindString Kind = iota + 1
	KindInteger
	KindFloat
	KindBool
	KindDateTime // offset date-time, local date-time, local date or local time; kept as text
	KindArray
	KindTable
)

// String returns the name Ballerina uses for a kind in type-mismatch
// messages ("incompatible type for key 'x': expected 'STRING', found 'ARRAY'").
func (k Kind) String() string {
	switch k {
	case KindString:
		return "STRING"
	case KindInteger:
		return "INTEGER"
	case KindFloat:
		return "NUMBER"
	case KindBool:
		return "BOOLEAN"
	case KindDateTime:
		return "DATE_TIME"
	case KindArray:
		return "ARRAY"
	case KindTable:
		return "OBJECT"
	}
	return "UNKNOWN"
}

// Value is a TOML value and where it starts.
type Value struct {
	Kind  Kind
	Pos   Pos
	Str   string  // KindString; the raw text for KindDateTime
	Int   int64   // KindInteger
	Float float64 // KindFloat
	Bool  bool    // KindBool
	Items []*Value
	Table *Table // KindTable
}

// Entry is one key of a table with its value.
type Entry struct {
	Key    string
	KeyPos Pos
	Value  *Value
}

// Table is a TOML table: the document root, a [header] table, one element of
// an [[array]] table, an inline table, or a table implied by a dotted key.
// Entries keep document order.
type Table struct {
	Pos     Pos
	Entries []*Entry

	index map[string]*Entry
	// How the table came to exist, for TOML's redefinition rules.
	explicit bool // defined by a [header]
	implicit bool // created as the parent of a header or dotted key
	dotted   bool // created by a dotted key inside a key/value
	inline   bool // an inline table: closed, nothing may be added
}

// Get returns the entry for key, or nil.
func (t *Table) Get(key string) *Entry {
	if t == nil {
		return nil
	}
	return t.index[key]
}

func (t *Table) add(key string, keyPos Pos, v *Value) *Entry {
	if t.index == nil {
		t.index = make(map[string]*Entry)
	}
	e := &Entry{Key: key, KeyPos: keyPos, Value: v}
	t.index[key] = e
	t.Entries = append(t.Entries, e)
	return e
}

// A syntaxError is a TOML syntax or structure error with its position.
type syntaxError struct {
	Pos Pos
	Msg string
}

func (e *syntaxError) Error() string { return e.Pos.String() + ": " + e.Msg }

// parseTree parses data as a TOML document. On failure it returns a
// *syntaxError locating the first problem.
func parseTree(data []byte) (*Table, error) {
	b := &treeBuilder{data: data, lines: newLineIndex(data), root: &Table{Pos: Pos{1, 1}, explicit: true}}
	b.cur = b.root
	b.p.Reset(data)
	for b.p.NextExpression() {
		if err := b.expression(b.p.Expression()); err != nil {
			return nil, err
		}
	}
	if err := b.p.Error(); err != nil {
		var perr *unstable.ParserError
		pos := Pos{1, 1}
		msg := err.Error()
		if errors.As(err, &perr) {
			pos = b.posOfSlice(perr.Highlight)
			msg = perr.Message
		}
		return nil, &syntaxError{Pos: pos, Msg: "invalid TOML: " + msg}
	}
	return b.root, nil
}

type treeBuilder struct {
	data  []byte
	lines lineIndex
	p     unstable.Parser
	root  *Table
	cur   *Table
}

func (b *treeBuilder) pos(r unstable.Range) Pos {
	off := int(r.Offset)
	if off > len(b.data) {
		off = len(b.data)
	}
	return b.lines.pos(off)
}

// lineIndex holds the offset at which each line starts, so that turning an
// offset into a position costs a binary search rather than a scan from the
// start of the file (which made large lock files quadratic to parse).
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

// pos converts a byte offset into a 1-based line and column.
func (li lineIndex) pos(off int) Pos {
	line := sort.Search(len(li), func(i int) bool { return li[i] > off }) // first line starting after off
	return Pos{line, off - li[line-1] + 1}
}

// start returns the offset at which 1-based line starts.
func (li lineIndex) start(line int) int { return li[line-1] }

// posOfSlice locates a sub-slice of the input (a parser error highlight).
func (b *treeBuilder) posOfSlice(s []byte) Pos {
	if cap(s) == 0 {
		return b.lines.pos(len(b.data))
	}
	off := cap(b.data) - cap(s)
	if off < 0 || off > len(b.data) {
		return Pos{1, 1}
	}
	return b.lines.pos(off)
}

func (b *treeBuilder) errAt(pos Pos, format string, args ...any) error {
	return &syntaxError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

type keyPart struct {
	name string
	pos  Pos
}

func (b *treeBuilder) keyParts(it unstable.Iterator) []keyPart {
	var parts []keyPart
	for it.Next() {
		n := it.Node()
		parts = append(parts, keyPart{name: string(n.Data), pos: b.pos(n.Raw)})
	}
	return parts
}

func dotted(parts []keyPart) string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.name
	}
	return strings.Join(names, ".")
}

func (b *treeBuilder) expression(n *unstable.Node) error {
	switch n.Kind {
	case unstable.KeyValue:
		return b.keyValue(b.cur, n)
	case unstable.Table:
		parts := b.keyParts(n.Key())
		hdr := b.headerPos(parts[0].pos)
		parent, err := b.descend(b.root, parts[:len(parts)-1], false)
		if err != nil {
			return err
		}
		last := parts[len(parts)-1]
		if e := parent.Get(last.name); e != nil {
			t := e.Value.Table
			if e.Value.Kind != KindTable || t.inline {
				return b.errAt(hdr, "table [%s] conflicts with key '%s' defined at %s", dotted(parts), last.name, e.KeyPos)
			}
			if t.explicit || t.dotted {
				return b.errAt(hdr, "table [%s] is defined more than once", dotted(parts))
			}
			t.explicit, t.implicit, t.Pos = true, false, hdr
			b.cur = t
			return nil
		}
		t := &Table{Pos: hdr, explicit: true}
		parent.add(last.name, last.pos, &Value{Kind: KindTable, Pos: hdr, Table: t})
		b.cur = t
		return nil
	case unstable.ArrayTable:
		parts := b.keyParts(n.Key())
		hdr := b.headerPos(parts[0].pos)
		parent, err := b.descend(b.root, parts[:len(parts)-1], false)
		if err != nil {
			return err
		}
		last := parts[len(parts)-1]
		t := &Table{Pos: hdr, explicit: true}
		elem := &Value{Kind: KindTable, Pos: hdr, Table: t}
		if e := parent.Get(last.name); e != nil {
			if e.Value.Kind != KindArray || !isArrayOfTables(e.Value) {
				return b.errAt(hdr, "array table [[%s]] conflicts with key '%s' defined at %s", dotted(parts), last.name, e.KeyPos)
			}
			e.Value.Items = append(e.Value.Items, elem)
		} else {
			arr := &Value{Kind: KindArray, Pos: hdr, Items: []*Value{elem}}
			arr.Str = arrayOfTablesMarker
			parent.add(last.name, last.pos, arr)
		}
		b.cur = t
		return nil
	}
	return nil
}

// arrayOfTablesMarker tags arrays created by [[header]] syntax, which may be
// appended to, unlike static arrays written as `key = [...]`.
const arrayOfTablesMarker = "\x00[[]]"

func isArrayOfTables(v *Value) bool { return v.Kind == KindArray && v.Str == arrayOfTablesMarker }

// headerPos finds the '[' that opens the header whose first key is at keyPos.
func (b *treeBuilder) headerPos(keyPos Pos) Pos {
	// Walk back on the key's line to the opening bracket; headers are one line.
	lineStart := b.lines.start(keyPos.Line)
	off := lineStart + keyPos.Col - 1
	for i := off - 1; i >= lineStart && i < len(b.data); i-- {
		if b.data[i] == '[' {
			off = i
			if i > lineStart && b.data[i-1] == '[' {
				off = i - 1
			}
			break
		}
	}
	return b.lines.pos(off)
}

// descend walks (creating implicit tables as needed) from t along parts.
// Inside a key/value (fromDotted), the tables created are dotted tables; a
// path through an array of tables continues in its last element.
func (b *treeBuilder) descend(t *Table, parts []keyPart, fromDotted bool) (*Table, error) {
	for i, part := range parts {
		e := t.Get(part.name)
		if e == nil {
			nt := &Table{Pos: part.pos, implicit: !fromDotted, dotted: fromDotted}
			t.add(part.name, part.pos, &Value{Kind: KindTable, Pos: part.pos, Table: nt})
			t = nt
			continue
		}
		switch {
		case e.Value.Kind == KindTable && !e.Value.Table.inline:
			if fromDotted && e.Value.Table.explicit {
				return nil, b.errAt(part.pos, "cannot add to table '%s' with a dotted key: it is defined by a header", dotted(parts[:i+1]))
			}
			t = e.Value.Table
		case isArrayOfTables(e.Value) && !fromDotted:
			t = e.Value.Items[len(e.Value.Items)-1].Table
		default:
			return nil, b.errAt(part.pos, "key '%s' is already defined at %s and is not a table", dotted(parts[:i+1]), e.KeyPos)
		}
	}
	return t, nil
}

func (b *treeBuilder) keyValue(t *Table, n *unstable.Node) error {
	parts := b.keyParts(n.Key())
	parent, err := b.descend(t, parts[:len(parts)-1], true)
	if err != nil {
		return err
	}
	last := parts[len(parts)-1]
	if e := parent.Get(last.name); e != nil {
		return b.errAt(last.pos, "duplicate key '%s': already defined at %s", dotted(parts), e.KeyPos)
	}
	v, err := b.value(n.Value(), last.pos)
	if err != nil {
		return err
	}
	parent.add(last.name, last.pos, v)
	return nil
}

func (b *treeBuilder) value(n *unstable.Node, keyPos Pos) (*Value, error) {
	switch n.Kind {
	case unstable.String:
		return &Value{Kind: KindString, Pos: b.pos(n.Raw), Str: string(n.Data)}, nil
	case unstable.Bool:
		return &Value{Kind: KindBool, Pos: b.pos(n.Raw), Bool: string(n.Data) == "true"}, nil
	case unstable.Integer:
		pos := b.pos(n.Raw)
		i, err := parseTOMLInt(string(n.Data))
		if err != nil {
			return nil, b.errAt(pos, "invalid integer %q: %v", n.Data, err)
		}
		return &Value{Kind: KindInteger, Pos: pos, Int: i}, nil
	case unstable.Float:
		pos := b.pos(n.Raw)
		f, err := parseTOMLFloat(string(n.Data))
		if err != nil {
			return nil, b.errAt(pos, "invalid float %q", n.Data)
		}
		return &Value{Kind: KindFloat, Pos: pos, Float: f}, nil
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		return &Value{Kind: KindDateTime, Pos: b.pos(n.Raw), Str: string(n.Data)}, nil
	case unstable.Array:
		arr := &Value{Kind: KindArray, Pos: keyPos}
		it := n.Children()
		first := true
		for it.Next() {
			c := it.Node()
			if c.Kind == unstable.Comment {
				continue
			}
			item, err := b.value(c, keyPos)
			if err != nil {
				return nil, err
			}
			if first {
				// Arrays carry no range of their own; the first item is the
				// most useful place to point at.
				arr.Pos = item.Pos
				first = false
			}
			arr.Items = append(arr.Items, item)
		}
		return arr, nil
	case unstable.InlineTable:
		pos := b.pos(n.Raw)
		t := &Table{Pos: pos}
		it := n.Children()
		for it.Next() {
			c := it.Node()
			if c.Kind != unstable.KeyValue {
				continue
			}
			if err := b.keyValue(t, c); err != nil {
				return nil, err
			}
		}
		closeInline(t)
		return &Value{Kind: KindTable, Pos: pos, Table: t}, nil
	}
	return nil, b.errAt(keyPos, "unsupported TOML value")
}

// closeInline marks t and the tables its dotted keys created as inline, so
// that no later header or key can extend them.
func closeInline(t *Table) {
	t.inline = true
	for _, e := range t.Entries {
		if e.Value.Kind == KindTable {
			closeInline(e.Value.Table)
		}
	}
}

func parseTOMLInt(s string) (int64, error) {
	s = strings.ReplaceAll(s, "_", "")
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"):
		base, s = 16, s[2:]
	case strings.HasPrefix(s, "0o"):
		base, s = 8, s[2:]
	case strings.HasPrefix(s, "0b"):
		base, s = 2, s[2:]
	}
	return strconv.ParseInt(s, base, 64)
}

func parseTOMLFloat(s string) (float64, error) {
	s = strings.ReplaceAll(s, "_", "")
	switch s {
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	case "nan", "+nan", "-nan":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

// lookup returns the value of key in t and diagnoses a value of the wrong
// kind with Ballerina's "incompatible type" message. ok is false when the
// key is absent or has the wrong kind.
func (d *diagnoser) lookup(t *Table, key, field string, want Kind) (*Value, bool) {
	e := t.Get(key)
	if e == nil {
		return nil, false
	}
	if e.Value.Kind != want {
		d.errorf(e.Value.Pos, field, "incompatible type for key '%s': expected '%s', found '%s'", key, want, e.Value.Kind)
		return nil, false
	}
	return e.Value, true
}

// stringAt returns the string value of key in t; see lookup.
func (d *diagnoser) stringAt(t *Table, key, field string) (string, Pos, bool) {
	v, ok := d.lookup(t, key, field, KindString)
	if !ok {
		return "", Pos{}, false
	}
	return v.Str, v.Pos, true
}

// boolAt returns the boolean value of key in t; see lookup.
func (d *diagnoser) boolAt(t *Table, key, field string) (bool, Pos, bool) {
	v, ok := d.lookup(t, key, field, KindBool)
	if !ok {
		return false, Pos{}, false
	}
	return v.Bool, v.Pos, true
}

// intAt returns the integer value of key in t; see lookup.
func (d *diagnoser) intAt(t *Table, key, field string) (int64, Pos, bool) {
	v, ok := d.lookup(t, key, field, KindInteger)
	if !ok {
		return 0, Pos{}, false
	}
	return v.Int, v.Pos, true
}

// tableAt returns the table value of key in t; see lookup.
func (d *diagnoser) tableAt(t *Table, key, field string) (*Table, bool) {
	v, ok := d.lookup(t, key, field, KindTable)
	if !ok {
		return nil, false
	}
	return v.Table, true
}

// stringsAt returns an array of strings; a non-string element is diagnosed
// and skipped.
func (d *diagnoser) stringsAt(t *Table, key, field string) ([]string, bool) {
	v, ok := d.lookup(t, key, field, KindArray)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(v.Items))
	for _, it := range v.Items {
		if it.Kind != KindString {
			d.errorf(it.Pos, field, "incompatible type for key '%s': expected 'STRING', found '%s'", key, it.Kind)
			continue
		}
		out = append(out, it.Str)
	}
	return out, true
}

// tablesAt returns an array of tables ([[key]] or key = [{...}]); a
// non-table element is diagnosed and skipped.
func (d *diagnoser) tablesAt(t *Table, key, field string) ([]*Table, bool) {
	v, ok := d.lookup(t, key, field, KindArray)
	if !ok {
		return nil, false
	}
	out := make([]*Table, 0, len(v.Items))
	for _, it := range v.Items {
		if it.Kind != KindTable {
			d.errorf(it.Pos, field, "incompatible type for key '%s': expected 'OBJECT', found '%s'", key, it.Kind)
			continue
		}
		out = append(out, it.Table)
	}
	return out, true
}
