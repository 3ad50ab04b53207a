package fsblob

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/balcentral/balcentral/internal/blob"
)

// Clean removes the files uploads left in tmp/ that were last modified
// before the given time, and returns how many it removed: the remains of
// uploads a crash or a kill interrupted. Walk, Open and Stat never look at
// them, so they cost only disk space. The server calls Clean(ctx,
// time.Now()) at startup, before it accepts uploads; that is safe as long as
// no other process uploads into the same directory. While uploads may be in
// progress, pass a time well before the oldest one could have started
// writing (an upload's file is modified each time data arrives, so an hour
// before now is ample for any upload the server's timeouts let live).
func (s *Store) Clean(ctx context.Context, before time.Time) (int, error) {
	dir := filepath.Join(s.root, tmpDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, &blob.Error{Op: "clean", Err: err}
	}
	removed := 0
	for _, e := range ents {
		if err := ctx.Err(); err != nil {
			return removed, &blob.Error{Op: "clean", Err: err}
		}
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return removed, &blob.Error{Op: "clean", Err: err}
		}
		if !fi.ModTime().Before(before) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, &blob.Error{Op: "clean", Err: err}
		}
		removed++
	}
	return removed, nil
}
