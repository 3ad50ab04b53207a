// Package balabench holds the benchmarks of package internal/bala and the
// generator of their input: a synthetic package of realistic shape.
package balabench

import (
	"fmt"
	"math/rand/v2"
	"strings"

	syntaxbench "github.com/balcentral/balcentral/bench/syntax"
	"github.com/balcentral/balcentral/internal/bala"
)

// The generated package's shape: 10 modules of 95 sources each with a
// README, 31 resources and 5 platform libraries, plus the three metadata
// files and the package README: 1,000 entries, about 6.8 MB.
const (
	genModules   = 10
	genSources   = 95
	genResources = 31
	genJars      = 5
	genJarSize   = 200 << 10
)

// GeneratePackage returns the entries of a synthetic 1,000-file package,
// the same for the same seed. Sources are valid Ballerina modules of 1-10 KB
// from bench/syntax's generator, resources are JSON, and platform libraries
// are random bytes (incompressible, like jars, which are zip files).
func GeneratePackage(seed uint64) []bala.Entry {
	rng := rand.New(rand.NewPCG(seed, 1))
	const org, name, version = "balc", "bench", "1.0.0"
	var entries []bala.Entry
	add := func(path string, data []byte) { entries = append(entries, bala.Entry{Name: path, Data: data}) }

	balaJSON, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		panic(err)
	}
	add(bala.BalaJSONFile, balaJSON)
	pkg := &bala.PackageJSON{
		Organization: org, Name: name, Version: version, Platform: "java21",
		BallerinaVersion: "2201.10.0", ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1",
		Readme: "docs/README.md",
	}
	graph := &bala.DependencyGraph{Packages: []bala.GraphPackage{{Org: org, Name: name, Version: version}}}
	add("docs/README.md", []byte("# bench\n\nA generated package.\n"))
	for m := range genModules {
		mod := name
		if m > 0 {
			mod = fmt.Sprintf("%s.mod%d", name, m)
		}
		pkg.Modules = append(pkg.Modules, bala.ModuleJSON{Name: mod, Export: true, Readme: "docs/modules/" + mod + "/README.md"})
		graph.Modules = append(graph.Modules, bala.GraphModule{Org: org, PackageName: name, Version: version, ModuleName: mod})
		add("docs/modules/"+mod+"/README.md", []byte("# "+mod+"\n\nModule documentation.\n"))
		for f := range genSources {
			add(fmt.Sprintf("modules/%s/file%03d.bal", mod, f), syntaxbench.Generate(int64(m*genSources+f), 1<<10+rng.IntN(9<<10)))
		}
	}
	for r := range genResources {
		add(fmt.Sprintf("resources/data%02d.json", r), jsonResource(rng, 512+rng.IntN(4<<10)))
	}
	for j := range genJars {
		jar := make([]byte, genJarSize)
		for i := range jar {
			jar[i] = byte(rng.Uint32())
		}
		path := fmt.Sprintf("platform/java21/lib%d.jar", j)
		add(path, jar)
		pkg.PlatformDependencies = append(pkg.PlatformDependencies, bala.PlatformDependency{Path: path, GroupID: "org.example", ArtifactID: fmt.Sprintf("lib%d", j), Version: "1.0"})
	}
	pkgJSON, err := bala.MarshalPackageJSON(pkg)
	if err != nil {
		panic(err)
	}
	add(bala.PackageJSONFile, pkgJSON)
	graphJSON, err := bala.MarshalDependencyGraphJSON(graph)
	if err != nil {
		panic(err)
	}
	add(bala.DependencyGraphJSONFile, graphJSON)
	return entries
}

// jsonResource returns about size bytes of JSON records.
func jsonResource(rng *rand.Rand, size int) []byte {
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `  {"id": %d, "name": "item-%d", "price": %d.%02d, "tags": ["t%d", "t%d"], "active": %t}`,
			i, rng.IntN(100000), rng.IntN(1000), rng.IntN(100), rng.IntN(20), rng.IntN(20), rng.IntN(2) == 0)
	}
	b.WriteString("\n]\n")
	return []byte(b.String())
}
