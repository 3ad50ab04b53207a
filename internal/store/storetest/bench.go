package storetest

import (
	"fmt"
	"testing"

	"github.com/balcentral/balcentral/internal/store"
)

// RunBenchmarks measures the store's hot paths, each on a fresh store from
// newStore: publishing (reserve and publish), looking a version up, listing
// versions, searching, authenticating a token and counting a pull. The
// lookups run in parallel (b.RunParallel), as HTTP handlers would.
func RunBenchmarks(b *testing.B, newStore func(b *testing.B) store.Store) {
	b.Run("publish", func(b *testing.B) {
		s := newStore(b)
		u := benchUser(b, s)
		i := 0
		for b.Loop() {
			v := fmt.Sprintf("1.0.%d", i)
			i++
			if err := s.ReserveVersion(b.Context(), "bench", "pkg", v, u.ID); err != nil {
				b.Fatal(err)
			}
			if err := s.PublishVersion(b.Context(), fixture("bench", "pkg", v)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("version", func(b *testing.B) {
		s := newStore(b)
		populate(b, s, 20, 5)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				name, v := fmt.Sprintf("pkg%03d", i%20), fmt.Sprintf("1.0.%d", i%5)
				i++
				if _, err := s.Version(b.Context(), "bench", name, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("versions", func(b *testing.B) {
		s := newStore(b)
		populate(b, s, 20, 5)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				if _, err := s.Versions(b.Context(), "bench", fmt.Sprintf("pkg%03d", i%20)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("search", func(b *testing.B) {
		s := newStore(b)
		populate(b, s, 100, 2)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				res, err := s.Search(b.Context(), store.SearchQuery{Text: "pkg01", Limit: 10})
				if err != nil {
					b.Fatal(err)
				}
				if res.Total != 10 {
					b.Fatalf("Search(pkg01).Total = %d, want 10", res.Total)
				}
			}
		})
	})
	b.Run("token by hash", func(b *testing.B) {
		s := newStore(b)
		u := benchUser(b, s)
		for i := range 100 {
			tok := &store.Token{UserID: u.ID, Name: "t", Hash: tokenHash(fmt.Sprint(i))}
			if err := s.CreateToken(b.Context(), tok); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				if _, err := s.TokenByHash(b.Context(), tokenHash(fmt.Sprint(i%100))); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("pull count", func(b *testing.B) {
		s := newStore(b)
		populate(b, s, 1, 1)
		for b.Loop() {
			if err := s.IncrementPullCount(b.Context(), "bench", "pkg000", "1.0.0", 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchUser(b *testing.B, s store.Store) *store.User {
	u := &store.User{Username: "bench"}
	if err := s.CreateUser(b.Context(), u); err != nil {
		b.Fatal(err)
	}
	return u
}

// populate publishes versions 1.0.0 ... 1.0.<versions-1> of packages
// bench/pkg000 ... bench/pkg<packages-1>.
func populate(b *testing.B, s store.Store, packages, versions int) {
	u := benchUser(b, s)
	for p := range packages {
		for v := range versions {
			name, ver := fmt.Sprintf("pkg%03d", p), fmt.Sprintf("1.0.%d", v)
			if err := s.ReserveVersion(b.Context(), "bench", name, ver, u.ID); err != nil {
				b.Fatal(err)
			}
			if err := s.PublishVersion(b.Context(), fixture("bench", name, ver)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
