package richtest

import (
	"os"
	"testing"
)

var (
	tmp        string
	stopKernel = func() {}
)

func tempDir() (string, error) {
	var err error
	if tmp == "" {
		tmp, err = os.MkdirTemp("", "richtest-")
	}
	return tmp, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopKernel()
	if tmp != "" {
		os.RemoveAll(tmp)
	}
	os.Exit(code)
}
