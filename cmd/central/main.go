// Command central runs a self-hosted Ballerina Central-compatible registry.
//
// With no arguments it serves on 127.0.0.1:9090 with its data in
// ./central-data; `central --help` and README.md ("central server
// configuration") list every option. Everything but this line lives in
// internal/registry, where it is tested without building a binary.
package main

import (
	"os"

	"github.com/balcentral/balcentral/internal/registry"
)

func main() {
	os.Exit(registry.Main(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
