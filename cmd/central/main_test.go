package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunRejectsBadInvocations(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		code    int
		wantErr string
	}{
		{"unknown flag", []string{"-nope"}, nil, 2, "flag provided but not defined: -nope"},
		{"stray argument", []string{"serve"}, nil, 2, `unexpected argument "serve"`},
		{"bad log level", []string{"-log-level", "loud"}, nil, 2, `invalid -log-level "loud"`},
		{"bad log level from env", nil, map[string]string{"CENTRAL_LOG_LEVEL": "loud"}, 2, `invalid -log-level "loud"`},
		{"help", []string{"-help"}, nil, 0, "env CENTRAL_LISTEN"},
		{"unusable address", []string{"-listen", "256.256.256.256:1"}, nil, 1, "set --listen to a free host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			getenv := func(k string) string { return tt.env[k] }
			if code := run(tt.args, getenv, &stderr); code != tt.code {
				t.Errorf("run(%q) = %d, want %d; stderr:\n%s", tt.args, code, tt.code, &stderr)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantErr)
			}
		})
	}
}
