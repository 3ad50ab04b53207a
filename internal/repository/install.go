package repository

// Installing a bala into the local repository (bal push --repository local).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/balcentral/balcentral/internal/atomicfile"
	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/version"
)

// BalToolFile is the tool descriptor of a tool bala.
const BalToolFile = "tool/bal-tool.json"

// InstallResult describes a bala installed into the local repository.
type InstallResult struct {
	// Org, Name, Version and Platform are the package's, from the bala's
	// package.json.
	Org, Name, Version, Platform string
	// Dir is the extracted bala, <local>/bala/<org>/<name>/<version>/<platform>.
	Dir string
	// Replaced reports that the local repository held the version before;
	// that copy (every platform of it) was replaced.
	Replaced bool
	// ToolID is the tool id of a tool bala, recorded in local-tools.json;
	// "" for other balas.
	ToolID string
}

// extract and rename are variables so that tests can make them fail.
var (
	extract = func(a *bala.Archive, dir string) error { return a.ExtractTo(dir) }
	rename  = os.Rename
)

// InstallLocal installs the bala at archivePath into the local repository
// of layout, as the reference bal push --repository local does: the
// version's directory <local>/bala/<org>/<name>/<version> is replaced by
// one holding the extracted bala under its platform, the compiled caches
// of the version (<local>/cache-*/<org>/<name>/<version>, of every
// distribution) are removed, and for a tool bala (one with
// tool/bal-tool.json) the tool is recorded in local-tools.json. The
// identity comes from the bala's package.json, never from its file name.
//
// The archive is opened with bala.DefaultLimits, so a damaged or hostile
// bala is refused with the bala package's *bala.CheckError before anything
// is touched. The replacement is safe: the bala is extracted into a hidden
// directory beside the version's, the old version directory is renamed
// away (to another hidden name), the new one renamed into place and only
// then is the old one removed. A failure before the swap leaves the
// previous version as it was; a failure of the second rename puts it
// back. Readers never see a half-written version: FileSystem skips hidden
// names.
func InstallLocal(layout Layout, archivePath string) (*InstallResult, error) {
	a, f, err := bala.OpenFile(archivePath, bala.DefaultLimits)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	pj := a.Package
	res := &InstallResult{Org: pj.Organization, Name: pj.Name, Version: pj.Version, Platform: pj.Platform}
	if res.Platform == "" {
		res.Platform = bala.AnyPlatform
	}
	// bala.Open has validated these; check again before they become paths.
	if err := checkNames(res.Org, res.Name); err != nil {
		return nil, err
	}
	if _, err := version.Parse(res.Version); err != nil {
		return nil, err
	}
	if !bala.IsValidPlatform(res.Platform) {
		return nil, fmt.Errorf("invalid platform %q in package.json", res.Platform)
	}
	if slices.Contains(a.Files, BalToolFile) {
		data, err := a.ReadFile(BalToolFile)
		if err != nil {
			return nil, err
		}
		if res.ToolID, err = readToolID(data); err != nil {
			return nil, err
		}
	}

	pkgDir := filepath.Join(layout.LocalBalaDir(), res.Org, res.Name)
	versionDir := filepath.Join(pkgDir, res.Version)
	res.Dir = filepath.Join(versionDir, res.Platform)
	if err := os.MkdirAll(pkgDir, 0o755); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(pkgDir, "."+res.Version+".push-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging) // a no-op once renamed into place
	if err := os.Chmod(staging, 0o755); err != nil {
		return nil, err
	}
	if err := extract(a, filepath.Join(staging, res.Platform)); err != nil {
		return nil, err
	}
	if err := removeCaches(layout, res.Org, res.Name, res.Version); err != nil {
		return nil, err
	}

	// The swap.
	old := ""
	switch _, err := os.Lstat(versionDir); {
	case err == nil:
		old = staging + ".old"
		if err := rename(versionDir, old); err != nil {
			return nil, err
		}
		res.Replaced = true
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if err := rename(staging, versionDir); err != nil {
		if old != "" {
			if rerr := rename(old, versionDir); rerr != nil {
				err = errors.Join(err, fmt.Errorf("restoring the previous copy from %s: %w", old, rerr))
			}
		}
		return nil, err
	}
	if old != "" {
		// The new version is in place; a leftover hidden directory is
		// ignored by readers.
		_ = os.RemoveAll(old)
	}
	if err := atomicfile.SyncDir(pkgDir); err != nil {
		return nil, err
	}

	if res.ToolID != "" {
		if err := recordLocalTool(layout.LocalToolsFile(), res.ToolID, res.Org, res.Name); err != nil {
			return res, fmt.Errorf("recording tool '%s' in %s: %w", res.ToolID, LocalToolsFileName, err)
		}
	}
	return res, nil
}

// removeCaches removes the compiled caches of a package version from the
// local repository, for every distribution: they were compiled from the
// bala being replaced.
func removeCaches(layout Layout, org, name, ver string) error {
	entries, err := os.ReadDir(layout.LocalDir())
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), CacheDirPrefix) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(layout.LocalDir(), e.Name(), org, name, ver)); err != nil {
			return err
		}
	}
	return nil
}

// readToolID returns the tool_id of tool/bal-tool.json.
func readToolID(data []byte) (string, error) {
	var desc struct {
		ToolID *string `json:"tool_id"`
	}
	if err := json.Unmarshal(data, &desc); err != nil {
		return "", fmt.Errorf("%s: invalid JSON: %v", BalToolFile, err)
	}
	if desc.ToolID == nil || *desc.ToolID == "" {
		return "", fmt.Errorf("%s: tool_id: required field missing", BalToolFile)
	}
	return *desc.ToolID, nil
}

// recordLocalTool sets the entry of toolID in local-tools.json, a JSON
// object {"<tool id>": {"org": "...", "name": "..."}}, keeping the other
// entries in their order and moving toolID's to the end, as the reference
// CLI (a Gson JsonObject) does. The file is written compactly, as Gson's
// toJson writes it, and atomically.
func recordLocalTool(path, toolID, org, name string) error {
	var members []jsonMember
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		if members, err = decodeMembers(data); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	entry, err := json.Marshal(struct {
		Org  string `json:"org"`
		Name string `json:"name"`
	}{org, name})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	n := 0
	for _, m := range members {
		if m.key == toolID {
			continue
		}
		if n > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		buf.Write(k)
		buf.WriteByte(':')
		if err := json.Compact(&buf, m.value); err != nil {
			return err
		}
		n++
	}
	if n > 0 {
		buf.WriteByte(',')
	}
	k, _ := json.Marshal(toolID)
	buf.Write(k)
	buf.WriteByte(':')
	buf.Write(entry)
	buf.WriteByte('}')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, buf.Bytes(), 0o644)
}

// jsonMember is a member of a JSON object.
type jsonMember struct {
	key   string
	value json.RawMessage
}

// decodeMembers returns the members of a JSON object in file order; a
// later duplicate key replaces an earlier one in place.
func decodeMembers(data []byte) ([]jsonMember, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("expected a JSON object")
	}
	var out []jsonMember
	index := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("invalid JSON: %v", err)
		}
		if i, ok := index[key]; ok {
			out[i].value = v
			continue
		}
		index[key] = len(out)
		out = append(out, jsonMember{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the object")
	}
	return out, nil
}
