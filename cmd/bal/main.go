// Command bal is balcentral's Ballerina package manager. See package balcli.
package main

import (
	"os"

	"github.com/balcentral/balcentral/internal/balcli"
	"github.com/balcentral/balcentral/internal/iostreams"
)

func main() {
	os.Exit(balcli.Main(os.Args[1:], iostreams.System()))
}
