package fsblob

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/balcentral/balcentral/internal/blob"
)

// Walk implements [blob.Walker]. It reads the tree under sha256/ in name
// order, which is digest order, and skips every entry that is not a blob
// at its proper place (see the package documentation).
func (s *Store) Walk(ctx context.Context, fn func(blob.Info) error) error {
	if err := s.walk(ctx, fn); err != nil {
		return &blob.Error{Op: "walk", Err: err}
	}
	return nil
}

func (s *Store) walk(ctx context.Context, fn func(blob.Info) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	top := filepath.Join(s.root, blobDir)
	firsts, err := readDirs(top)
	if err != nil {
		return err
	}
	for _, first := range firsts {
		seconds, err := readDirs(filepath.Join(top, first))
		if err != nil {
			return err
		}
		for _, second := range seconds {
			if err := ctx.Err(); err != nil {
				return err
			}
			prefix := first + second
			dir := filepath.Join(top, first, second)
			ents, err := os.ReadDir(dir)
			if err != nil {
				return err
			}
			for _, e := range ents {
				name := e.Name()
				if !e.Type().IsRegular() || blob.CheckDigest(name) != nil || !strings.HasPrefix(name, prefix) {
					continue
				}
				fi, err := e.Info()
				if errors.Is(err, fs.ErrNotExist) {
					continue // deleted since ReadDir
				}
				if err != nil {
					return err
				}
				if err := fn(blob.Info{Digest: name, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// readDirs returns the names of the prefix directories in dir (two
// lowercase hexadecimal digits), sorted.
func readDirs(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if n := e.Name(); e.IsDir() && len(n) == 2 && isLowerHex(n) {
			names = append(names, n)
		}
	}
	return names, nil
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
