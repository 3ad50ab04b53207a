package blob

import (
	"context"
	"errors"
	"strings"
	"testing"
)

const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

func TestCheckDigest(t *testing.T) {
	tests := []struct {
		digest  string
		wantErr string // "" for valid
	}{
		{abc, ""},
		{strings.Repeat("0", 64), ""},
		{"", "invalid blob digest: length 0, want 64"},
		{abc[:63], "invalid blob digest: length 63, want 64"},
		{strings.ToUpper(abc), `invalid blob digest: byte 'B' at offset 0 is not a lowercase hexadecimal digit`},
		{abc[:32] + "/" + abc[33:], `invalid blob digest: byte '/' at offset 32 is not a lowercase hexadecimal digit`},
		{"../" + abc[3:], `invalid blob digest: byte '.' at offset 0 is not a lowercase hexadecimal digit`},
		{abc[:63] + "\x00", `invalid blob digest: byte '\x00' at offset 63 is not a lowercase hexadecimal digit`},
	}
	for _, tt := range tests {
		err := CheckDigest(tt.digest)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckDigest(%q) = %v, want nil", tt.digest, err)
		case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
			t.Errorf("CheckDigest(%q) = %v, want %q", tt.digest, err, tt.wantErr)
		case tt.wantErr != "" && !errors.Is(err, ErrInvalidDigest):
			t.Errorf("CheckDigest(%q) = %v, does not wrap ErrInvalidDigest", tt.digest, err)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Op: "open", Digest: abc, Err: ErrNotFound}, "blob open " + abc + ": blob not found"},
		{&Error{Op: "stat", Digest: "../etc", Err: ErrInvalidDigest}, `blob stat "../etc": invalid blob digest`},
		{&Error{Op: "put", Err: ErrTooLarge}, "blob put: blob too large"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, tt.err.Err) {
			t.Errorf("%v does not unwrap to %v", tt.err, tt.err.Err)
		}
	}
}

// walkerFunc adapts a function to Walker.
type walkerFunc func(context.Context, func(Info) error) error

func (f walkerFunc) Walk(ctx context.Context, fn func(Info) error) error { return f(ctx, fn) }

func TestList(t *testing.T) {
	w := walkerFunc(func(_ context.Context, fn func(Info) error) error {
		for _, d := range []string{"b", "a", "c"} {
			if err := fn(Info{Digest: d}); err != nil {
				return err
			}
		}
		return nil
	})
	infos, err := List(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range infos {
		got = append(got, i.Digest)
	}
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("List = %v, want a,b,c", got)
	}
	boom := errors.New("boom")
	if _, err := List(context.Background(), walkerFunc(func(context.Context, func(Info) error) error { return boom })); !errors.Is(err, boom) {
		t.Errorf("List error = %v, want %v", err, boom)
	}
}
