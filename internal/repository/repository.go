// Package repository is where packages come from: the distribution bundled
// with the toolchain, the local repository (`bal push --repository local`),
// the Central cache under ~/.ballerina, a remote registry, and in-memory
// repositories for tests.
//
// Every source answers the same two questions through [Repository]: which
// versions of a package it holds, and what one version contains (its
// modules, its own resolved dependency graph, its deprecation). The resolver
// in internal/resolve applies Ballerina's policy on top (which repositories
// to ask for a request, exact versions only for the local repository,
// priority and "newest wins" merging); repositories only report what they
// hold.
package repository

import (
	"context"
	"errors"
	"fmt"

	"github.com/balcentral/balcentral/internal/version"
)

// ErrNotFound is wrapped by errors for a package or version a repository
// does not hold.
var ErrNotFound = errors.New("not found")

// Kind is the role a repository plays in resolution.
type Kind uint8

// Repository kinds.
const (
	KindDistribution Kind = iota + 1 // bundled with the toolchain
	KindLocal                        // <home>/repositories/local
	KindCentral                      // Central: the cache on disk, or a remote registry
	KindWorkspace                    // sibling packages of a workspace
	KindCustom                       // a repository from Settings.toml
)

func (k Kind) String() string {
	switch k {
	case KindDistribution:
		return "distribution"
	case KindLocal:
		return "local"
	case KindCentral:
		return "central"
	case KindWorkspace:
		return "workspace"
	case KindCustom:
		return "custom"
	}
	return "unknown"
}

// Repository is a source of packages.
type Repository interface {
	// Name identifies the repository in messages, e.g. "distribution",
	// "local", "central.ballerina.io" or a Settings.toml repository id.
	Name() string
	// Kind is the repository's role.
	Kind() Kind
	// Versions returns every usable version of org/name the repository
	// holds, in no particular order. A package it does not hold gives an
	// empty list and a nil error.
	Versions(ctx context.Context, org, name string) ([]version.Version, error)
	// Package returns the metadata of one version, or an error wrapping
	// ErrNotFound.
	Package(ctx context.Context, org, name string, v version.Version) (*Package, error)
}

// Package is what resolution needs to know about one package version: the
// content of its package.json, dependency-graph.json and deprecation marker.
type Package struct {
	Org, Name string
	Version   version.Version
	// Platform is "any" or a JVM target such as "java21".
	Platform string
	// BallerinaVersion is the short distribution version that built it
	// (package.json ballerina_version), e.g. "2201.10.0"; "" if unknown.
	BallerinaVersion string
	// Modules are the package's full module names ("io", "io.file").
	// For a version a remote registry describes without it being
	// downloaded (see [Remote]), Modules holds the default module only and
	// HasModule asks the registry about the others.
	Modules []string
	// Graph is the package's own resolved dependency graph
	// (dependency-graph.json "packages"): its own node and every node
	// reachable from it, each with its direct dependencies. Resolution
	// merges it when the package is chosen.
	Graph []GraphNode
	// Deprecated reports a deprecated version, with the publisher's message
	// ("" when none was given).
	Deprecated         bool
	DeprecationMessage string

	// moreModules, when not nil, answers HasModule for a module Modules
	// does not list (see Remote).
	moreModules func(module string) bool
}

// ID returns "org/name:version".
func (p *Package) ID() string { return fmt.Sprintf("%s/%s:%s", p.Org, p.Name, p.Version) }

// HasModule reports whether the package contains the module with the given
// full name. For a version a remote registry describes without it being
// downloaded, a module other than the default one is looked up in the
// registry (see [Remote]).
func (p *Package) HasModule(module string) bool {
	for _, m := range p.Modules {
		if m == module {
			return true
		}
	}
	return p.moreModules != nil && p.moreModules(module)
}

// Node returns the graph node of org/name, or nil.
func (p *Package) Node(org, name string) *GraphNode {
	for i := range p.Graph {
		if p.Graph[i].Org == org && p.Graph[i].Name == name {
			return &p.Graph[i]
		}
	}
	return nil
}

// GraphNode is a package version in a dependency graph with its direct
// dependencies.
type GraphNode struct {
	Org, Name    string
	Version      version.Version
	Dependencies []NodeRef
}

// NodeRef names a package version.
type NodeRef struct {
	Org, Name string
	Version   version.Version
}

// String returns "org/name:version".
func (r NodeRef) String() string { return fmt.Sprintf("%s/%s:%s", r.Org, r.Name, r.Version) }
