package resolve

import (
	"fmt"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/version"
)

// maxPaths bounds PathsTo on graphs with many diamonds.
const maxPaths = 1000

// PathsTo returns every import path from the root to org/name, each a list
// of nodes starting with the root and ending with the package, in
// lexicographic order of their IDs (at most 1000). It serves `bal build
// --why`.
func (g *Graph) PathsTo(org, name string) [][]*Node {
	if g == nil || g.Root == nil {
		return nil
	}
	var out [][]*Node
	onPath := map[*Node]bool{}
	var walk func(n *Node, path []*Node)
	walk = func(n *Node, path []*Node) {
		if len(out) >= maxPaths || onPath[n] {
			return
		}
		path = append(path, n)
		if n.Org == org && n.Name == name {
			out = append(out, append([]*Node(nil), path...))
			return
		}
		onPath[n] = true
		for _, d := range n.Dependencies {
			walk(d, path)
		}
		onPath[n] = false
	}
	walk(g.Root, nil)
	return out
}

func formatPath(p []*Node) string {
	ids := make([]string, len(p))
	for i, n := range p {
		ids[i] = n.ID()
	}
	return strings.Join(ids, " → ")
}

// line is "1.x" for a stable version and "0.4.x" for an initial one: the
// compatible line of v.
func line(v version.Version) string {
	if v.IsInitial() {
		return "0." + v.Minor() + ".x"
	}
	return v.Major() + ".x"
}

// explainConflict writes the explanation of a graph conflict: each version
// with the path that pulled it in, then a fix derived from where the older
// version came from.
func explainConflict(pkg string, a version.Version, aPath []string, b version.Version, bPath []string) string {
	older, olderPath, newer, newerPath := a, aPath, b, bPath
	if version.IsNewer(a, b) {
		older, olderPath, newer, newerPath = b, bPath, a, aPath
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s is needed in two incompatible versions:\n", pkg)
	fmt.Fprintf(&sb, "  %s via %s\n", older, strings.Join(olderPath, " → "))
	fmt.Fprintf(&sb, "  %s via %s\n", newer, strings.Join(newerPath, " → "))
	sb.WriteString("fix: ")
	sb.WriteString(fixFor(pkg, older, olderPath, newer, newerPath))
	return sb.String()
}

// fixFor derives an actionable fix: upgrade the package that pulls in the
// older line, or, when the root imports it directly, raise the root's own
// requirement.
func fixFor(pkg string, older version.Version, olderPath []string, newer version.Version, newerPath []string) string {
	parent := func(path []string) string {
		if len(path) < 3 {
			return ""
		}
		p := path[len(path)-2]
		if i := strings.LastIndex(p, ":"); i >= 0 {
			p = p[:i]
		}
		return p
	}
	switch op, np := parent(olderPath), parent(newerPath); {
	case op != "":
		s := fmt.Sprintf("upgrade %s to a version that depends on %s %s", op, pkg, line(newer))
		if np != "" {
			s += fmt.Sprintf(", or use a version of %s that depends on %s %s", np, pkg, line(older))
		}
		return s + "."
	case np != "":
		return fmt.Sprintf("the root package uses %s %s directly; raise the [[dependency]] minimum for %s in Ballerina.toml to %s (and update the code for %s), "+
			"or use a version of %s that depends on %s %s.", pkg, line(older), pkg, newer, line(newer), np, pkg, line(older))
	}
	return fmt.Sprintf("remove the conflicting version of %s from Dependencies.toml and rebuild.", pkg)
}

// explainPinConflict explains "Incompatible versions: ..." (a version
// written in Ballerina.toml or Dependencies.toml against the graph).
func explainPinConflict(id pkgID, file string, pinned, resolved version.Version, path []string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s:\n", id)
	fmt.Fprintf(&sb, "  %s written in %s\n", pinned, file)
	fmt.Fprintf(&sb, "  %s via %s\n", resolved, strings.Join(path, " → "))
	sb.WriteString("fix: ")
	if file == "Ballerina.toml" {
		if version.IsNewer(resolved, pinned) {
			fmt.Fprintf(&sb, "raise the [[dependency]] minimum for %s in Ballerina.toml to %s.", id, resolved)
		} else {
			p := ""
			if len(path) >= 3 {
				p = path[len(path)-2]
				if i := strings.LastIndex(p, ":"); i >= 0 {
					p = p[:i]
				}
			}
			if p != "" {
				fmt.Fprintf(&sb, "upgrade %s to a version that depends on %s %s, or lower the [[dependency]] version for %s in Ballerina.toml to the %s line.",
					p, id, line(pinned), id, line(resolved))
			} else {
				fmt.Fprintf(&sb, "change the [[dependency]] version for %s in Ballerina.toml to the %s line.", id, line(resolved))
			}
		}
	} else {
		fmt.Fprintf(&sb, "remove the %s entry from Dependencies.toml and rebuild; the graph now needs %s %s.", id, id, line(resolved))
	}
	return sb.String()
}

// explainConflicts attaches explanations to the "Two incompatible
// versions" diagnostics, in the order they were raised.
func (e *engine) explainConflicts(g *Graph) {
	i := 0
	for k := range e.diags {
		d := &e.diags[k]
		if !strings.HasPrefix(d.Message, "Two incompatible versions exist in the dependency graph: ") || d.Explanation != "" {
			continue
		}
		if i >= len(e.b.conflicts) {
			break
		}
		c := e.b.conflicts[i]
		i++
		d.Explanation = explainConflict(c.pkg.String(), c.oldVer, c.oldPath, c.newVer, c.newPath)
	}
}

// reportCycles reports every dependency cycle once, as the compiler does
// (§14: cyclic module imports detected 'a -> b -> a').
func (e *engine) reportCycles(g *Graph) {
	var cycles [][]*Node
	seen := map[string]bool{}
	state := map[*Node]int{} // 0 new, 1 on stack, 2 done
	var stack []*Node
	var visit func(n *Node)
	visit = func(n *Node) {
		state[n] = 1
		stack = append(stack, n)
		for _, d := range n.Dependencies {
			switch state[d] {
			case 0:
				visit(d)
			case 1:
				i := len(stack) - 1
				for stack[i] != d {
					i--
				}
				cyc := append([]*Node(nil), stack[i:]...)
				key := cycleKey(cyc)
				if !seen[key] {
					seen[key] = true
					cycles = append(cycles, cyc)
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = 2
	}
	for _, n := range g.Nodes {
		if state[n] == 0 {
			visit(n)
		}
	}
	for _, c := range cycles {
		ids := make([]string, 0, len(c)+1)
		for _, n := range c {
			ids = append(ids, n.ID())
		}
		ids = append(ids, c[0].ID())
		e.diags = append(e.diags, Diagnostic{Severity: SeverityError,
			Message:     "cyclic module imports detected '" + strings.Join(ids, " -> ") + "'",
			Explanation: "Packages may not depend on each other in a cycle; remove one of these dependencies."})
	}
}

func cycleKey(c []*Node) string {
	ids := make([]string, len(c))
	for i, n := range c {
		ids[i] = n.ID()
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}
