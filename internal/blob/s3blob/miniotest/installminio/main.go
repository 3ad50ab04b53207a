// Command installminio installs the MinIO server that the tests run (see
// package miniotest) unless it is installed already, and prints its path.
// CI runs it before the tests so that no test waits minutes for the build:
//
//	go run ./internal/blob/s3blob/miniotest/installminio
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/balcentral/balcentral/internal/blob/s3blob/miniotest"
)

func main() {
	log.SetFlags(0)
	bin, err := miniotest.Binary(context.Background(), log.Printf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(os.Stdout, bin)
}
