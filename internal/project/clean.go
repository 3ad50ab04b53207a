package project

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/balcentral/balcentral/internal/manifest"
)

// CleanOptions says what Clean removes.
type CleanOptions struct {
	// TargetDir is the --target-dir value made absolute, "" when the flag
	// was not given.
	TargetDir string
}

// CleanResult says what Clean did.
type CleanResult struct {
	// Dir is the target directory, absolute.
	Dir string
	// Removed reports that it existed and was removed; false when there
	// was nothing to remove.
	Removed bool
}

// Clean removes the build output directory of the package that dir
// (absolute) is or lies in, which re-enables the once-a-day dependency
// update at the next build. The directory is --target-dir when given,
// else [build-options] targetDir of Ballerina.toml, else <package>/target.
//
// Clean refuses to remove anything that is not a directory (a symbolic
// link included), the package directory or a directory containing it, or
// a directory holding a Ballerina.toml; and a targetDir from Ballerina.toml
// must lie inside the package, so that a manifest cannot point bal clean at
// the user's files. Only --target-dir may name a directory elsewhere.
// Ballerina.toml is read only for targetDir: a manifest with errors does
// not stop a clean.
func Clean(dir string, opts CleanOptions) (*CleanResult, error) {
	root, err := FindRoot(dir)
	if err != nil {
		return nil, err
	}
	target := filepath.Join(root, TargetDirName)
	source := TargetDefault
	switch {
	case opts.TargetDir != "":
		if !filepath.IsAbs(opts.TargetDir) {
			return nil, fmt.Errorf("project: target directory %q is not absolute", opts.TargetDir)
		}
		target, source = filepath.Clean(opts.TargetDir), TargetFlag
	default:
		if data, err := os.ReadFile(filepath.Join(root, manifestFile)); err == nil {
			m, _ := manifest.ParseBallerinaToml(manifestFile, data, manifest.PackageDefaults{})
			if m != nil && m.BuildOptions.TargetDir != "" {
				target = m.BuildOptions.TargetDir
				if !filepath.IsAbs(target) {
					target = filepath.Join(root, target)
				}
				target, source = filepath.Clean(target), TargetManifest
			}
		}
	}
	res := &CleanResult{Dir: target}

	fi, err := os.Lstat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return res, nil
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, fmt.Errorf("refusing to remove %s: not a directory", target)
	}
	// Compare real paths, so that a symbolic link among the parents cannot
	// disguise the package directory.
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	realTarget, err := filepath.EvalSymlinks(target)
	if err != nil {
		return nil, err
	}
	switch {
	case within(realRoot, realTarget):
		return nil, fmt.Errorf("refusing to remove %s: it contains the package %s", target, root)
	case source == TargetManifest && !within(realTarget, realRoot):
		return nil, fmt.Errorf("refusing to remove %s: [build-options] targetDir in Ballerina.toml points outside the package; "+
			"remove it yourself or name it with --target-dir", target)
	}
	if _, err := os.Lstat(filepath.Join(target, manifestFile)); err == nil {
		return nil, fmt.Errorf("refusing to remove %s: it holds a %s", target, manifestFile)
	}
	if err := os.RemoveAll(target); err != nil {
		return nil, err
	}
	res.Removed = true
	return res, nil
}

// within reports whether path is dir or lies inside it; both are clean
// and absolute.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
