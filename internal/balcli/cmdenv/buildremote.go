package cmdenv

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository"
)

// EnvNoRemote, set to "true", keeps bal build, graph and pack from
// connecting to a registry: they read the Central cache of the Settings.toml
// registry only, as when no remote registry existed, without being offline
// (the hints of unresolved imports say that no registry is connected). It
// is a testing aid, like BALCENTRAL_NOW: the testscripts set it so that no
// build asks the public Ballerina Central, and clear it when they start a
// registry.
const EnvNoRemote = "BALCENTRAL_NO_REMOTE"

// BuildCentral is how bal build, graph and pack reach the registry: the
// fields of project.BuildOptions they set.
type BuildCentral struct {
	// Host is project.BuildOptions.CentralHost: the registry whose cache
	// the build reads, online or offline.
	Host string
	// Remote is project.BuildOptions.Remote: the registry of Settings.toml
	// (repository.NewRemote), for builds that are not offline.
	Remote project.RemoteFunc
}

// BuildCentral loads Settings.toml as [Env.CentralSettings] does (the
// registry URL and token from the file or from BALLERINA_CENTRAL_URL and
// BALLERINA_CENTRAL_ACCESS_TOKEN) and returns the registry connection of a
// build. It makes no request: Build calls Remote only when the build is not
// offline, and the repository asks the registry only when resolution needs
// it. Packages the build downloads are reported on out as upstream does
// during a build, "\t<org>/<name>:<version> pulled from central
// successfully"; the warning of a registry that cannot be reached goes to
// the standard error. With BALCENTRAL_NO_REMOTE=true, Remote is nil. The warnings of Settings.toml are not printed (bal
// pack prints them when it checks the file); its errors are returned as
// CentralSettings returns them.
func (e *Env) BuildCentral(out io.Writer) (*BuildCentral, error) {
	s, _, err := e.CentralSettings()
	if err != nil {
		return nil, err
	}
	client, err := e.CentralClient(s)
	if err != nil {
		return nil, err
	}
	if v, _ := e.Lookup(EnvNoRemote); v == "true" {
		return &BuildCentral{Host: client.Host()}, nil
	}
	errOut := io.Discard
	if e.IO != nil {
		errOut = e.IO.ErrOut
	}
	var mu sync.Mutex // pulled lines and the warning come from download workers
	return &BuildCentral{
		Host: client.Host(),
		Remote: func(ctx context.Context, cache repository.Repository) (repository.Repository, error) {
			fs, ok := cache.(*repository.FileSystem)
			if !ok {
				return nil, fmt.Errorf("the Central cache is not a directory repository (%T)", cache)
			}
			return repository.NewRemote(client, fs, repository.RemoteOptions{
				Warn: func(msg string) {
					mu.Lock()
					defer mu.Unlock()
					fmt.Fprintln(errOut, project.Diagnostic{Severity: project.SeverityWarning, Message: msg})
				},
				Pulled: func(org, name, version string) {
					mu.Lock()
					defer mu.Unlock()
					fmt.Fprintf(out, "\t%s/%s:%s pulled from central successfully\n", org, name, version)
				},
			})
		},
	}, nil
}

// ConnectBuild returns the registry connection of bal build, graph or
// pack: remote itself when a test injects one, else what connect (normally
// [Env.BuildCentral]) returns for out, else no registry.
func ConnectBuild(remote project.RemoteFunc, connect func(out io.Writer) (*BuildCentral, error), out io.Writer) (*BuildCentral, error) {
	if remote != nil || connect == nil {
		return &BuildCentral{Remote: remote}, nil
	}
	return connect(out)
}
