package iac_test

import (
	"os"
	"testing"

	"github.com/atg-go/atg/engine/iac"
)

func TestDumpOutput(t *testing.T) {
	dir := os.Getenv("IAC_OUT")
	if dir == "" {
		t.Skip("set IAC_OUT=<dir> to write the example tenant in every format")
	}
	for _, f := range iac.Formats {
		files, _, _ := generate(t, exampleNodes(t), f)
		if err := files.Write(dir + "/" + string(f)); err != nil {
			t.Fatal(err)
		}
	}
}
