package cmdenv

import (
	"errors"
	"io/fs"
	"os/user"
	"testing"

	"github.com/balcentral/balcentral/internal/iostreams"
)

func TestUserName(t *testing.T) {
	noUser := func() (*user.User, error) { return nil, errors.New("no passwd entry") }
	account := func(name string) func() (*user.User, error) {
		return func() (*user.User, error) { return &user.User{Username: name}, nil }
	}
	tests := []struct {
		name    string
		env     map[string]string
		current func() (*user.User, error)
		want    string
	}{
		{"USER wins", map[string]string{"USER": "alice", "USERNAME": "bob"}, account("carol"), "alice"},
		{"USERNAME next", map[string]string{"USERNAME": "bob"}, account("carol"), "bob"},
		{"account last", nil, account("carol"), "carol"},
		{"windows domain dropped", nil, account(`CORP\dave`), "dave"},
		{"unknown", nil, noUser, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			if got := userName(getenv, tt.current); got != tt.want {
				t.Errorf("userName() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	env := New(ios)
	if env.IO != ios {
		t.Errorf("New(ios).IO is not ios")
	}
	if env.Getwd == nil || env.Getenv == nil || env.Now == nil || env.UserName == nil {
		t.Fatalf("New left a dependency nil: %+v", env)
	}
	env.Getenv = func(k string) string {
		if k == "USER" {
			return "scripted"
		}
		return ""
	}
	if got := env.UserName(); got != "scripted" {
		t.Errorf("UserName() after replacing Getenv = %q, want %q", got, "scripted")
	}
}

func TestUsageError(t *testing.T) {
	err := UsageErrorf("bad path %q: %w", "x", fs.ErrNotExist)
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("UsageErrorf result is %T, want *UsageError", err)
	}
	if got, want := err.Error(), `bad path "x": file does not exist`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(err, fs.ErrNotExist) = false, want true")
	}
	if ue.Usage != "" {
		t.Errorf("Usage = %q, want empty", ue.Usage)
	}
}
