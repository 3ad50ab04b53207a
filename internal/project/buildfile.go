package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/balcentral/balcentral/internal/atomicfile"
)

// BuildFileName is the name of the build file in the target directory.
const BuildFileName = "build"

// BuildFile is target/build, the JSON file through which one build tells
// the next when dependencies were last resolved (the reference toolchain's
// BuildJson, resolution.md §4):
//
//	{
//	  "last_build_time": 1767258000000,
//	  "last_update_time": 1767258000000,
//	  "distribution_version": "2201.13.0",
//	  "imports": [
//	    "samjs/foo"
//	  ]
//	}
//
// Times are milliseconds since the Unix epoch. The reference toolchain
// records more (last_modified_time, src_meta_info, ... for its compilation
// cache); such members are kept as they are when the file is rewritten,
// the known ones in the reference order, any others after them sorted by
// name. The file is indented by two spaces and ends with a newline.
type BuildFile struct {
	// LastBuildTime is when a build last succeeded (last_build_time).
	LastBuildTime time.Time
	// LastUpdateTime is when dependencies were last resolved afresh, not
	// reused from Dependencies.toml (last_update_time). Within 24 hours of
	// it, the same distribution reuses the locked versions.
	LastUpdateTime time.Time
	// DistributionVersion is the short distribution version of that build
	// (distribution_version).
	DistributionVersion string
	// Imports are the modules the package imported, "org/module", sorted,
	// without ballerinai/* (imports); nil when the file has no list.
	// --locking-mode=locked refuses imports that are not in it.
	Imports []string

	// other holds the members not modelled above, by name.
	other map[string]json.RawMessage
}

// Members of the build file, in the reference order (BuildJson's fields).
var buildFileOrder = []string{
	"last_build_time", "last_update_time", "last_bal_toml_update_time", "distribution_version",
	"last_modified_time", "last_build_options", "src_meta_info", "test_src_meta_info",
	"target_exec_meta_info", "settings_meta_info", "ballerina_toml_meta_info",
	"test_artifact_meta_info", "test_class_path", "imports",
}

// ParseBuildFile parses the content of a build file. It fails on anything
// but a JSON object whose known members have the right types.
func ParseBuildFile(data []byte) (*BuildFile, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, fmt.Errorf("build file: %w", err)
	}
	if members == nil {
		return nil, errors.New("build file: not a JSON object")
	}
	b := &BuildFile{other: members}
	for key, dst := range map[string]*time.Time{"last_build_time": &b.LastBuildTime, "last_update_time": &b.LastUpdateTime} {
		raw, ok := members[key]
		if !ok {
			continue
		}
		var ms int64
		if err := json.Unmarshal(raw, &ms); err != nil {
			return nil, fmt.Errorf("build file: %s: %w", key, err)
		}
		if ms != 0 {
			*dst = time.UnixMilli(ms)
		}
		delete(members, key)
	}
	if raw, ok := members["distribution_version"]; ok {
		if err := json.Unmarshal(raw, &b.DistributionVersion); err != nil {
			return nil, fmt.Errorf("build file: distribution_version: %w", err)
		}
		delete(members, "distribution_version")
	}
	if raw, ok := members["imports"]; ok {
		if err := json.Unmarshal(raw, &b.Imports); err != nil {
			return nil, fmt.Errorf("build file: imports: %w", err)
		}
		if b.Imports == nil && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			b.Imports = []string{}
		}
		delete(members, "imports")
	}
	return b, nil
}

// ReadBuildFile reads the build file at path. A missing or unreadable
// file, or one that does not parse, gives nil: the build then behaves as
// if no build had happened before, as the reference toolchain does.
func ReadBuildFile(path string) *BuildFile {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	b, err := ParseBuildFile(data)
	if err != nil {
		return nil
	}
	return b
}

// Marshal returns the file's content.
func (b *BuildFile) Marshal() []byte {
	members := make(map[string][]byte, len(b.other)+4)
	for k, v := range b.other {
		members[k] = v
	}
	if !b.LastBuildTime.IsZero() {
		members["last_build_time"] = strconv.AppendInt(nil, b.LastBuildTime.UnixMilli(), 10)
	}
	if !b.LastUpdateTime.IsZero() {
		members["last_update_time"] = strconv.AppendInt(nil, b.LastUpdateTime.UnixMilli(), 10)
	}
	if b.DistributionVersion != "" {
		members["distribution_version"], _ = json.Marshal(b.DistributionVersion)
	}
	imports := b.Imports
	if imports == nil {
		imports = []string{}
	}
	members["imports"], _ = json.Marshal(imports)

	keys := make([]string, 0, len(members))
	for _, k := range buildFileOrder {
		if _, ok := members[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range members {
		if !slices.Contains(buildFileOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	keys = append(keys, rest...)

	var out bytes.Buffer
	out.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			out.WriteString(",")
		}
		name, _ := json.Marshal(k)
		out.WriteString("\n  ")
		out.Write(name)
		out.WriteString(": ")
		if err := json.Indent(&out, members[k], "  ", "  "); err != nil {
			out.WriteString("null") // cannot happen: every value was parsed or marshalled
		}
	}
	out.WriteString("\n}\n")
	return out.Bytes()
}

// WriteBuildFile writes b to path atomically, creating the directory when
// needed.
func WriteBuildFile(path string, b *BuildFile) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b.Marshal(), 0o644)
}
